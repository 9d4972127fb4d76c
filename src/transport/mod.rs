//! Sending a [`RequestSpec`] through ureq, with every safety default set explicitly.
//!
//! ureq's defaults suit a library, not a CLI (see ureq notes): no timeouts, statuses as errors,
//! redirects that keep secrets, env proxies that ignore the scheme, its own lower-cased
//! headers. Here: statuses are responses, nothing is followed, no proxy is used, ureq adds no
//! header of its own (the spec holds them all, in the user's case), and timeouts are set.

pub mod errors;
pub mod recorder;
pub mod redirect;
pub mod upload;

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use ureq::http;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector, RustlsConnector, TcpConnector,
};
use ureq::{Agent, SendBody};

use crate::options::ClientOptions;
use crate::spec::RequestSpec;
use crate::wire::ResponseHead;
use recorder::{lock, HeadHook, RecordingConnector, SharedTape};

/// The largest request head we send. ureq writes the head into one output buffer; a bigger
/// head would fail there with a message about the response, so it is refused up front.
pub const MAX_REQUEST_HEAD: usize = 1024 * 1024;

/// How long to wait for a connection when `--timeout` is not given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Transport {
    agent: Agent,
    tape: SharedTape,
    timeout: Option<Duration>,
}

/// A response whose head has arrived; the body is still on the connection.
pub struct Response {
    pub head: ResponseHead,
    pub body: ureq::Body,
}

impl Transport {
    pub fn new(options: &ClientOptions) -> Transport {
        let timeout = options.timeout;
        let connect = timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("")
            .accept("")
            .accept_encoding("")
            .proxy(None)
            .allow_non_standard_methods(true)
            .timeout_resolve(Some(connect))
            .timeout_connect(Some(connect))
            .timeout_per_read(timeout)
            .timeout_per_write(timeout)
            .output_buffer_size(MAX_REQUEST_HEAD + 64 * 1024)
            // Matches the download loop's chunk: half as many reads and writes per GiB.
            .input_buffer_size(256 * 1024)
            .build();
        let tape = SharedTape::default();
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(RustlsConnector::default())
                .chain(RecordingConnector { tape: tape.clone() });
        Transport {
            agent: Agent::with_parts(config, connector, DefaultResolver::default()),
            tape,
            timeout,
        }
    }

    /// Sends the request; `on_request_head` sees the head bytes once they are written.
    pub fn send(
        &self,
        spec: &RequestSpec,
        body: Option<upload::BodyReader>,
        on_request_head: Option<HeadHook>,
    ) -> Result<Response> {
        let head_len = crate::wire::render_request_head(spec).len();
        if head_len > MAX_REQUEST_HEAD {
            anyhow::bail!(
                "The request head is too large to send ({head_len} bytes; the limit is {} KiB)",
                MAX_REQUEST_HEAD / 1024
            );
        }
        let uri = format!(
            "{}://{}{}",
            spec.url.scheme(),
            crate::url_input::host_header(&spec.url),
            spec.target
        );
        let mut builder = http::Request::builder()
            .method(
                http::Method::from_bytes(spec.method.as_bytes())
                    .with_context(|| format!("invalid method {:?}", spec.method))?,
            )
            .uri(&uri);
        for h in &spec.headers {
            builder = ureq_proto::client::header_raw(builder, &h.name, h.value.as_bytes());
        }
        let body = match body {
            Some(reader) => SendBody::from_owned_reader(reader),
            None => SendBody::none(),
        };
        let request = builder
            .body(body)
            .map_err(|e| anyhow!("cannot build the request for {uri}: {e}"))?;

        lock(&self.tape).reset(on_request_head);
        let response = self
            .agent
            .run(request)
            .map_err(|e| errors::describe(e, &authority_with_port(&spec.url), self.timeout))?;
        let raw = lock(&self.tape)
            .response_head()
            .map(<[u8]>::to_vec)
            .ok_or_else(|| anyhow!("the response head was not recorded"))?;
        Ok(Response {
            head: ResponseHead::parse(&raw)?,
            body: response.into_body(),
        })
    }

    /// Turns an error met while reading the response body into a user-facing one.
    pub fn body_error(&self, err: std::io::Error, spec: &RequestSpec) -> anyhow::Error {
        errors::describe(
            ureq::Error::from(err),
            &authority_with_port(&spec.url),
            self.timeout,
        )
    }
}

/// host:port with the scheme's default port spelled out, for messages.
pub fn authority_with_port(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    format!("{host}:{}", url.port_or_known_default().unwrap_or(80))
}
