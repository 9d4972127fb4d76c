//! TLS: trust (`--verify`, CA bundles and directories, the CA variables, the system store),
//! certificate failures named in one line with their fix, client certificates (mTLS), TLS
//! versions (`--ssl`) and cipher suites (`--ciphers`), and `-vv` showing what was negotiated.
//! Every server is a [`TlsServer`] on 127.0.0.1 with certificates made at test time.

use crate::support::server::Reply;
use crate::support::tls::{hashed_name, pki, server_config, write, Handshake, TlsServer, CA_NAME};
use crate::support::{http, s, Fixtures, Run};
use rustls::version::{TLS12, TLS13};

/// The test CA as a bundle file in `fx`.
fn ca_file(fx: &Fixtures) -> String {
    s(&write(fx.path(), "ca.pem", &pki().ca)).to_string()
}

/// `http ARGS URL` against `srv`, where `{url}` in `args` is replaced by its URL.
fn run(srv: &TlsServer, args: &[&str]) -> Run {
    let url = srv.url("/p");
    http()
        .args(args.iter().map(|a| a.replace("{url}", &url)))
        .run()
}

/// The server got no request: the failure came before anything was sent.
fn nothing_sent(srv: &TlsServer) {
    assert!(
        srv.plain().requests().is_empty(),
        "a request was sent: {:?}",
        srv.plain().requests()
    );
}

/// The `name: value` lines of the `-vv` metadata.
fn meta(run: &Run, name: &str) -> Option<String> {
    run.stdout_str()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
}

#[test]
fn trusted_through_verify_path() {
    let fx = Fixtures::new();
    let srv = TlsServer::trusted(Reply::ok("secure hello"));
    let ca = ca_file(&fx);
    let r = run(&srv, &["--verify", &ca, "{url}"]);
    r.success().stdout_is("secure hello").stderr_empty();
    assert_eq!(srv.plain().only_request().request_line(), "GET /p HTTP/1.1");
    // HTTPie's spelling with '=' and the CA bundle holding other certificates as well.
    let bundle = write(
        fx.path(),
        "bundle.pem",
        &format!("{}{}", pki().client_ca, pki().ca),
    );
    run(&srv, &[&format!("--verify={}", s(&bundle)), "{url}"]).success();
}

#[test]
fn trusted_through_a_hashed_ca_directory() {
    let fx = Fixtures::new();
    let dir = fx.path().join("certs");
    std::fs::create_dir(&dir).unwrap();
    // As `openssl rehash` leaves it: a subject-hash link to the CA file, plus files that are
    // not certificates.
    let target = write(&dir, "courier-test-ca.pem", &pki().ca);
    std::os::unix::fs::symlink(&target, dir.join(hashed_name(CA_NAME))).unwrap();
    write(&dir, "README", "not a certificate\n");
    write(&dir, "empty.0", "");
    std::os::unix::fs::symlink(fx.path().join("gone.pem"), dir.join("gone.0")).unwrap();
    let srv = TlsServer::trusted(Reply::ok("from a directory"));
    run(&srv, &["--verify", s(&dir), "{url}"])
        .success()
        .stdout_is("from a directory");
    // SSL_CERT_DIR names such a directory too.
    let url = srv.url("/");
    http().env("SSL_CERT_DIR", &dir).arg(&url).run().success();
}

#[test]
fn trusted_through_the_ca_variables_and_verify_overrides_them() {
    let fx = Fixtures::new();
    let ca = ca_file(&fx);
    let other = s(&write(fx.path(), "other.pem", &pki().client_ca)).to_string();
    let srv = TlsServer::trusted(Reply::ok("ok"));
    let url = srv.url("/");
    for var in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"] {
        let r = http().env(var, &ca).arg(&url).run();
        r.success().stdout_is("ok");
        // The variable replaces the system store: a CA it lacks is unknown.
        let r = http().env(var, &other).arg(&url).run();
        let line = r.error_line();
        assert!(
            line.contains("unknown issuer") && line.contains(var),
            "{var}: {line}"
        );
    }
    // REQUESTS_CA_BUNDLE comes before SSL_CERT_FILE, as in requests.
    http()
        .env("REQUESTS_CA_BUNDLE", &ca)
        .env("SSL_CERT_FILE", &other)
        .arg(&url)
        .run()
        .success();
    // --verify=PATH and --verify=no win over the variables.
    http()
        .env("SSL_CERT_FILE", &other)
        .args(["--verify", &ca, &url])
        .run()
        .success();
    let r = http()
        .env("SSL_CERT_FILE", &ca)
        .args(["--verify", &other, &url])
        .run();
    assert!(r.error_line().contains("unknown issuer"));
}

#[test]
fn refused_by_default_with_the_problem_and_the_fix_in_one_line() {
    // The test CA is in no system store.
    let srv = TlsServer::trusted(Reply::ok("never"));
    let r = run(&srv, &["{url}"]);
    let line = r.error_line();
    assert_eq!(
        line,
        format!(
            "http: error: TLS certificate of 127.0.0.1:{} is not trusted: unknown issuer (not \
             signed by a CA in the system trust store); if you trust its CA, pass the CA \
             certificate with --verify=PATH",
            srv.port()
        )
    );
    nothing_sent(&srv);
    // The server was told why (RFC 8446 §6.2: unknown_ca).
    assert!(
        matches!(srv.only_handshake(), Handshake::Failed(why) if why.contains("UnknownCA")),
        "{:?}",
        srv.handshakes()
    );
}

#[test]
fn a_wrong_host_name_is_refused_with_the_names_the_certificate_has() {
    let fx = Fixtures::new();
    let srv = TlsServer::start(
        server_config(&pki().wrong_name, rustls::ALL_VERSIONS, None),
        vec![Reply::ok("never")],
    );
    let r = run(&srv, &["--verify", &ca_file(&fx), "{url}"]);
    let line = r.error_line();
    assert!(
        line.contains(&format!(
            "TLS certificate of 127.0.0.1:{} does not match the host name '127.0.0.1' (wrong \
             host name); it is for: other.example, www.other.example",
            srv.port()
        )),
        "{line}"
    );
    nothing_sent(&srv);
}

#[test]
fn an_expired_certificate_is_refused_with_its_date() {
    let fx = Fixtures::new();
    let srv = TlsServer::start(
        server_config(&pki().expired, rustls::ALL_VERSIONS, None),
        vec![Reply::ok("never")],
    );
    let line = run(&srv, &["--verify", &ca_file(&fx), "{url}"]).error_line();
    assert!(
        line.contains("has expired on 2021-01-01 00:00:00 UTC; the server must renew it"),
        "{line}"
    );
    nothing_sent(&srv);
}

#[test]
fn verify_no_accepts_any_certificate_with_one_warning() {
    let srv = TlsServer::start(
        server_config(&pki().wrong_name, rustls::ALL_VERSIONS, None),
        vec![Reply::ok("insecure hello")],
    );
    for no in ["--verify=no", "--verify=false", "--verify=NO"] {
        let r = run(&srv, &[no, "{url}"]);
        r.success().stdout_is("insecure hello");
        let err = r.stderr_str();
        assert_eq!(err.lines().count(), 1, "{}", r.describe());
        assert!(
            err.starts_with("http: warning: TLS certificates are not verified (--verify=no)"),
            "{err}"
        );
    }
    // -qq silences warnings.
    run(&srv, &["-qq", "--verify=no", "{url}"])
        .success()
        .stderr_empty();
}

#[test]
fn bad_verify_values_and_bundles_are_errors_never_off() {
    let fx = Fixtures::new();
    let srv = TlsServer::trusted(Reply::ok("never"));
    let missing = fx.path().join("missing.pem");
    let line = run(&srv, &["--verify", s(&missing), "{url}"]).error_line();
    assert!(
        line.contains(&format!("--verify {}: cannot read it", s(&missing))),
        "{line}"
    );
    let empty = write(fx.path(), "empty.pem", "");
    let line = run(&srv, &["--verify", s(&empty), "{url}"]).error_line();
    assert!(line.contains("no PEM certificate in it"), "{line}");
    let key_only = write(fx.path(), "key.pem", &pki().leaf.key);
    let line = run(&srv, &["--verify", s(&key_only), "{url}"]).error_line();
    assert!(line.contains("no PEM certificate in it"), "{line}");
    let line = http()
        .env("SSL_CERT_FILE", &missing)
        .arg(srv.url("/"))
        .run()
        .error_line();
    assert!(line.contains("SSL_CERT_FILE"), "{line}");
    assert_eq!(srv.handshakes().len(), 0, "connected despite a bad bundle");
}

/// A server that requires a client certificate from the client CA.
fn mtls_server() -> TlsServer {
    TlsServer::start(
        server_config(&pki().leaf, rustls::ALL_VERSIONS, Some(&pki().client_ca)),
        vec![Reply::ok("hello, client")],
    )
}

#[test]
fn mtls_required_and_satisfied_with_cert_and_cert_key() {
    let fx = Fixtures::new();
    let ca = ca_file(&fx);
    let srv = mtls_server();
    let line = run(&srv, &["--verify", &ca, "{url}"]).error_line();
    assert!(
        line.ends_with("the server requires a client certificate; give one with --cert"),
        "{line}"
    );
    nothing_sent(&srv);

    let cert = write(fx.path(), "client.pem", &pki().client.cert);
    let key = write(fx.path(), "client.key", &pki().client.key);
    let srv = mtls_server();
    run(
        &srv,
        &[
            "--verify",
            &ca,
            "--cert",
            s(&cert),
            "--cert-key",
            s(&key),
            "{url}",
        ],
    )
    .success()
    .stdout_is("hello, client");
    assert!(matches!(
        srv.only_handshake(),
        Handshake::Done {
            client_cert: true,
            ..
        }
    ));
    // The certificate and its key in one file.
    let both = write(
        fx.path(),
        "both.pem",
        &format!("{}{}", pki().client.cert, pki().client.key),
    );
    run(&srv, &["--verify", &ca, "--cert", s(&both), "{url}"]).success();
}

#[test]
fn an_encrypted_client_key_with_cert_key_pass() {
    let fx = Fixtures::new();
    let ca = ca_file(&fx);
    let cert = write(fx.path(), "client.pem", &pki().client.cert);
    let key = write(
        fx.path(),
        "client.key",
        &encrypted(&pki().client.key, "pa55word"),
    );
    let srv = mtls_server();
    let args = |pass: &str| {
        vec![
            "--verify".to_string(),
            ca.clone(),
            "--cert".into(),
            s(&cert).into(),
            "--cert-key".into(),
            s(&key).into(),
            format!("--cert-key-pass={pass}"),
            srv.url("/"),
        ]
    };
    http().args(args("pa55word")).run().success();
    let r = http().args(args("not-it")).run();
    let line = r.error_line();
    assert!(
        line.contains("cannot decrypt the private key: wrong passphrase"),
        "{line}"
    );
    assert!(!line.contains("not-it"), "{line}");
    // Its verbose output never shows the passphrase either.
    let mut verbose = args("pa55word");
    verbose.insert(0, "-vv".into());
    let r = http().args(verbose).run();
    r.success();
    assert!(!r.stdout_str().contains("pa55word") && !r.stderr_str().contains("pa55word"));
    assert_eq!(srv.handshakes().len(), 2);
}

/// `key` (PKCS#8 PEM) encrypted as `openssl pkcs8 -topk8 -v2 aes-256-cbc` does.
fn encrypted(key: &str, pass: &str) -> String {
    use pkcs8::der::Decode;
    let der = crate::support::tls::pem_der(key);
    let info = pkcs8::PrivateKeyInfo::from_der(&der).unwrap();
    let params =
        pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &[1; 16], &[2; 16]).unwrap();
    let doc = info.encrypt_with_params(params, pass).unwrap();
    let b64 = crate::support::base64(doc.as_bytes());
    let lines: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused_before_connecting() {
    let fx = Fixtures::new();
    let cert = write(fx.path(), "client.pem", &pki().client.cert);
    let key = write(fx.path(), "stray.key", &pki().stray_key);
    let srv = mtls_server();
    let r = run(&srv, &["--cert", s(&cert), "--cert-key", s(&key), "{url}"]);
    let line = r.error_line();
    assert_eq!(
        line,
        format!(
            "http: error: the private key in {} does not match the certificate in {}",
            s(&key),
            s(&cert)
        )
    );
    assert_eq!(srv.handshakes().len(), 0, "connected with a mismatched key");
}

#[test]
fn a_tls12_only_server_fails_clearly_against_ssl_tls13() {
    let fx = Fixtures::new();
    let ca = ca_file(&fx);
    let srv = TlsServer::start(
        server_config(&pki().leaf, &[&TLS12], None),
        vec![Reply::ok("old but fine")],
    );
    let line = run(&srv, &["--ssl", "tls1.3", "--verify", &ca, "{url}"]).error_line();
    assert!(
        line.contains("the server supports none of the TLS versions offered (TLS 1.3; see --ssl)"),
        "{line}"
    );
    nothing_sent(&srv);
    // Without --ssl (and with --ssl tls1.2) the same server is reached over TLS 1.2.
    for args in [&["-vv"][..], &["-vv", "--ssl=tls1.2"]] {
        let mut all = args.to_vec();
        all.extend(["--verify", &ca, "{url}"]);
        let r = run(&srv, &all);
        r.success();
        assert_eq!(
            meta(&r, "TLS version").as_deref(),
            Some("TLSv1.2"),
            "{}",
            r.describe()
        );
    }
}

#[test]
fn ssl_refuses_versions_rustls_does_not_speak() {
    let line = http()
        .args(["--ssl", "tls1.1", "https://127.0.0.1:9/"])
        .run()
        .error_line();
    assert!(
        line.contains("--ssl tls1.1: courier speaks only TLS 1.2 and TLS 1.3"),
        "{line}"
    );
    let line = http()
        .args(["--ssl", "tls9", "https://127.0.0.1:9/"])
        .run()
        .error_line();
    assert!(line.contains("tls1.2") && line.contains("tls1.3"), "{line}");
}

#[test]
fn vv_shows_the_negotiated_version_and_cipher() {
    let fx = Fixtures::new();
    let srv = TlsServer::trusted(Reply::ok("{}"));
    let r = run(&srv, &["-vv", "--verify", &ca_file(&fx), "{url}"]);
    r.success();
    let Handshake::Done {
        version, cipher, ..
    } = srv.only_handshake()
    else {
        panic!("handshake failed");
    };
    assert_eq!(version, "TLSv1_3");
    assert_eq!(meta(&r, "TLS version").as_deref(), Some("TLSv1.3"));
    // The IANA name of the suite the server chose.
    assert_eq!(
        meta(&r, "TLS cipher"),
        Some(cipher.replace("TLS13_", "TLS_")),
        "{}",
        r.describe()
    );
    // Only -vv (or m) shows it.
    let r = run(&srv, &["-v", "--verify", &ca_file(&fx), "{url}"]);
    r.success();
    assert_eq!(meta(&r, "TLS version"), None);
}

#[test]
fn ciphers_choose_the_suite_by_iana_or_openssl_name() {
    let fx = Fixtures::new();
    let ca = ca_file(&fx);
    let srv = TlsServer::trusted(Reply::ok("ok"));
    let r = run(
        &srv,
        &[
            "-vv",
            "--ciphers",
            "TLS_CHACHA20_POLY1305_SHA256",
            "--verify",
            &ca,
            "{url}",
        ],
    );
    r.success();
    assert_eq!(
        meta(&r, "TLS cipher").as_deref(),
        Some("TLS_CHACHA20_POLY1305_SHA256")
    );
    // A TLS 1.2 suite by its OpenSSL name: TLS 1.2 is what is left to negotiate.
    let r = run(
        &srv,
        &[
            "-vv",
            "--ciphers",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "--verify",
            &ca,
            "{url}",
        ],
    );
    r.success();
    assert_eq!(meta(&r, "TLS version").as_deref(), Some("TLSv1.2"));
    assert_eq!(
        meta(&r, "TLS cipher").as_deref(),
        Some("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
    );
    let handshakes = srv.handshakes();
    assert!(
        matches!(&handshakes[1], Handshake::Done { cipher, .. } if cipher == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
    );
}

#[test]
fn unknown_ciphers_are_an_error_listing_the_valid_ones() {
    let srv = TlsServer::trusted(Reply::ok("never"));
    let line = run(
        &srv,
        &["--ciphers", "ECDHE-RSA-AES128-GCM-SHA256:RC4-MD5", "{url}"],
    )
    .error_line();
    assert!(
        line.contains("--ciphers: unknown cipher suite 'RC4-MD5'; valid: "),
        "{line}"
    );
    for valid in ["TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"] {
        assert!(line.contains(valid), "{line}");
    }
    assert_eq!(srv.handshakes().len(), 0);
}

#[test]
fn the_tls13_server_suite_list_is_honoured_with_ssl_tls13() {
    // --ssl tls1.3 against a server that speaks it: fine, and TLS 1.3 is what was used.
    let fx = Fixtures::new();
    let srv = TlsServer::start(
        server_config(&pki().leaf, &[&TLS13], None),
        vec![Reply::ok("new")],
    );
    let r = run(
        &srv,
        &["-vv", "--ssl", "tls1.3", "--verify", &ca_file(&fx), "{url}"],
    );
    r.success();
    assert_eq!(meta(&r, "TLS version").as_deref(), Some("TLSv1.3"));
}

#[test]
fn a_server_that_stalls_the_handshake_times_out_with_status_2() {
    // A plain TCP server that reads the ClientHello and never answers.
    let srv = crate::support::server::Server::start(vec![Reply::hang()]);
    let r = http()
        .args([
            "--timeout",
            "1",
            &format!("https://127.0.0.1:{}/", srv.port()),
        ])
        .run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Connection timed out after 1s (--timeout=1)."
    );
    assert!(
        r.elapsed < std::time::Duration::from_secs(10),
        "{}",
        r.describe()
    );
}

#[test]
fn each_response_shows_the_tls_of_its_connection_reused_or_not() {
    let fx = Fixtures::new();
    let srv = TlsServer::start(
        server_config(&pki().leaf, rustls::ALL_VERSIONS, None),
        vec![crate::support::redirect("/next"), Reply::ok("there")],
    );
    let r = run(&srv, &["-vv", "-F", "--verify", &ca_file(&fx), "{url}"]);
    r.success();
    let out = r.stdout_str();
    assert_eq!(
        out.matches("TLS version: TLSv1.3\n").count(),
        2,
        "{}",
        r.describe()
    );
    assert_eq!(out.matches("TLS cipher: ").count(), 2, "{}", r.describe());
    // The second hop went over the same (pooled) connection.
    assert_eq!(srv.handshakes().len(), 1);
    assert_eq!(srv.plain().requests().len(), 2);
}

/// A FIFO given as a CA bundle (or a certificate) would block the open forever when nothing
/// writes to it: TLS files must be regular files, said in one line.
#[test]
fn tls_files_must_be_regular_files() {
    let fx = Fixtures::new();
    let fifo = fx.path().join("ca.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo failed");
        return;
    }
    for flag in ["--verify", "--cert"] {
        let r = http()
            .args([&format!("{flag}={}", fifo.display()), "http://127.0.0.1:9/"])
            .run();
        r.code_is(1);
        assert!(
            r.single_error_line().contains("not a regular file"),
            "{}",
            r.describe()
        );
        assert!(r.elapsed < std::time::Duration::from_secs(5));
    }
}
