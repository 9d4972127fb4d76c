complete -c https -l boundary -d 'The multipart boundary to use instead of a random one' -r
complete -c https -l raw -d 'A raw request body, sent as is (UTF-8)' -r
complete -c https -l pretty -d 'Prettify output: all (format and colors), colors, format, none. Default: all on a terminal, none when redirected (then bodies are byte-exact)' -r -f -a "all\t''
colors\t''
format\t''
none\t''"
complete -c https -s s -l style -d 'Color theme: auto (the terminal\'s palette), solarized, monochrome; or, in 256 colors as HTTPie shows them, HTTPie\'s pie-dark, pie-light, pie and the Pygments styles' -r -f -a "auto\t''
solarized\t''
monochrome\t''
pie\t''
pie-dark\t''
pie-light\t''
monokai\t''
fruity\t''
paraiso-dark\t''
paraiso-light\t''
solarized-dark\t''
solarized-light\t''"
complete -c https -l format-options -d 'Formatting: headers.sort, json.format, json.indent, json.sort_keys, xml.format, xml.indent, as key:value pairs separated by commas' -r
complete -c https -l response-charset -d 'Decode the response body with this charset for display (overrides Content-Type\'s)' -r
complete -c https -l response-mime -d 'Format the response body as this MIME type (overrides Content-Type)' -r
complete -c https -s o -l output -d 'The file to write: with --download, the body; without, everything that would be printed' -r -F
complete -c https -l max-pages -d 'With --paginate: the most pages to fetch (default 100, at most 100000)' -r
complete -c https -l session -d 'Use a session and update it: cookies, auth and headers kept between runs. A NAME is kept in the config dir per host; a value with a / is a file path' -r
complete -c https -l session-read-only -d 'Use a session without ever writing it' -r
complete -c https -s a -l auth -d 'Credentials: USER:PASS (USER alone prompts for the password), a TOKEN with --auth-type=bearer, CLIENT_ID:CLIENT_SECRET (oauth2), CONSUMER_KEY:CONSUMER_SECRET (oauth1) or ACCESS_KEY:SECRET_KEY (aws-sigv4)' -r
complete -c https -s A -l auth-type -d 'The authentication scheme: basic, digest (answers the server\'s challenge), bearer, oauth2 (client credentials), oauth1 (HMAC-SHA1 signing) or aws-sigv4' -r -f -a "basic\t''
digest\t''
bearer\t''
oauth2\t'OAuth 2.0 client credentials (RFC 6749 §4.4)'
oauth1\t'OAuth 1.0a, HMAC-SHA1 (RFC 5849)'
aws-sigv4\t'AWS Signature Version 4'"
complete -c https -l token-url -d 'OAuth 2.0: the token endpoint the client credentials are exchanged at (implies --auth-type=oauth2)' -r
complete -c https -l scope -d 'OAuth 2.0: a scope to ask for; repeat it, or give several separated by spaces' -r
complete -c https -l token-auth -d 'OAuth 2.0: how the client authenticates to the token endpoint: basic (HTTP Basic, the default) or body (client_id and client_secret in the form)' -r -f -a "basic\t'HTTP Basic with the client id and secret (RFC 6749 §2.3.1, the default)'
body\t'`client_id` and `client_secret` in the form body'"
complete -c https -l oauth1-token -d 'OAuth 1.0a: the user\'s token and token secret (implies --auth-type=oauth1)' -r
complete -c https -l aws-sigv4 -d 'AWS Signature V4 with curl\'s PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]], e.g. aws:amz:us-east-1:execute-api (implies --auth-type=aws-sigv4)' -r
complete -c https -l timeout -d 'Seconds of silence allowed between bytes (connect included); 0 waits forever' -r
complete -c https -l connect-timeout -d 'Seconds allowed to connect (DNS, TCP and TLS, proxy included); default: --timeout, else 30' -r
complete -c https -l max-time -d 'Seconds the whole run may take, every redirect hop included; exit 2 when exceeded' -r
complete -c https -l max-headers -d 'Most response headers to accept (0: no limit of ours; the engine stops at 128)' -r
complete -c https -l resolve -d 'Connect to ADDR for HOST:PORT, keeping HOST for the Host header and TLS (as curl)' -r
complete -c https -l unix-socket -d 'Talk HTTP over this Unix domain socket (the URL\'s host is only the Host header)' -r -F
complete -c https -l interface -d 'Connect from this local address, or from the address of this interface (as curl)' -r
complete -c https -l max-redirects -d 'With --follow: how many redirects to follow; one more ends with exit status 6' -r
complete -c https -l retry -d 'Retry up to N times after a connection failure, a timeout or a --retry-on status' -r
complete -c https -l retry-on -d 'Statuses to retry: codes and classes, e.g. 429,5xx (default 408,429,500,502,503,504)' -r
complete -c https -l retry-backoff -d 'The first backoff wait in seconds, doubled per attempt, randomised (default 0.5)' -r
complete -c https -l retry-max-delay -d 'The longest wait between attempts, a server\'s Retry-After included (default 30)' -r
complete -c https -l proxy -d 'A proxy for http targets, https targets or all, as PROTOCOL:URL (repeatable), e.g. --proxy=http:http://user:pass@proxy:3128 or --proxy=all:socks5h://proxy:1080. Proxy URLs: http, https, socks4, socks4a, socks5, socks5h. Overrides http_proxy, https_proxy and all_proxy; no_proxy still applies' -r
complete -c https -l verify -d 'Verify the server\'s TLS certificate: yes (against the system\'s trust store, or REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR), no (don\'t: unsafe), or the path of a PEM CA bundle or a directory of CA certificates to trust instead' -r
complete -c https -l ssl -d 'The lowest TLS version to offer: tls1.2 (the default, as ssl2.3) or tls1.3' -r -f -a "ssl2.3\t''
tls1.2\t''
tls1.3\t''"
complete -c https -l ciphers -d 'The cipher suites to offer, in order, separated by \':\' or \',\': IANA or OpenSSL names (TLS_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256)' -r
complete -c https -l cert -d 'A client certificate (PEM: the chain, leaf first, and the key unless --cert-key gives it)' -r -F
complete -c https -l cert-key -d 'The private key of --cert (PEM: PKCS#8, encrypted or not, PKCS#1 or SEC1)' -r -F
complete -c https -l cert-key-pass -d 'The passphrase of an encrypted --cert-key (asked for on the terminal when omitted)' -r
complete -c https -l default-scheme -d 'The scheme for URLs typed without one (the `https` program always uses https)' -r
complete -c https -s p -l print -d 'What to print, any of: H request headers, B request body, h response headers, b response body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected' -r -f -a "H\t''
B\t''
h\t''
b\t''
m\t''
hb\t''
Hh\t''
HBhb\t''
HBhbm\t''
Hhb\t''
hbm\t''"
complete -c https -s j -l json -d 'Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type headers when there is no data'
complete -c https -s f -l form -d 'Serialize data items as an urlencoded form; multipart when a file field is present'
complete -c https -l multipart -d 'Always send a multipart/form-data body'
complete -c https -s x -l compress -d 'Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice (-xx) to always compress'
complete -c https -l sorted -d 'Sort headers and JSON keys (--format-options=headers.sort:true,json.sort_keys:true)'
complete -c https -l unsorted -d 'Keep headers and JSON keys in the order received'
complete -c https -s h -l headers -d 'Print only the response headers (--print=h)'
complete -c https -s b -l body -d 'Print only the response body (--print=b)'
complete -c https -s m -l meta -d 'Print only the response metadata: elapsed time and where it went (--print=m)'
complete -c https -s v -l verbose -d 'Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all'
complete -c https -l all -d 'Print every exchange of the run (intermediate responses such as redirects and auth challenges), not only the last'
complete -c https -s S -l stream -d 'Print the response body line by line as it arrives (NDJSON, server-sent events, logs)'
complete -c https -s q -l quiet -d 'Print nothing but errors (the response is still received and checked)'
complete -c https -s d -l download -d 'Save the response body to a file (named by -o, Content-Disposition or the URL), with a progress bar; follows redirects. To stdout when it is redirected and no -o is given'
complete -c https -s c -l continue -d 'Resume an interrupted --download into the --output file (Range: bytes=N-)'
complete -c https -l paginate -d 'Follow `Link: <URL>; rel="next"` from page to page, printing each page in order (stops at an error status, a link loop or --max-pages)'
complete -c https -l slurp -d 'With --paginate: print the pages, each a JSON array, as one merged array'
complete -c https -l ignore-netrc -d 'Don\'t read credentials from .netrc ($NETRC or ~/.netrc)'
complete -c https -l offline -d 'Build and print the request without sending it'
complete -c https -l curl -d 'Print an equivalent curl command line instead of sending the request (as --offline, nothing is sent); what curl cannot express is named in # comment lines after it'
complete -c https -s 4 -l ipv4 -d 'Connect over IPv4 only'
complete -c https -s 6 -l ipv6 -d 'Connect over IPv6 only'
complete -c https -s F -l follow -d 'Follow redirects (3xx with a Location), never carrying credentials or cookies to another origin'
complete -c https -l retry-all-methods -d 'Retry POST, PATCH and other methods that are not idempotent too'
complete -c https -l check-status -d 'Exit with 3, 4 or 5 for a 3xx, 4xx or 5xx response'
complete -c https -l path-as-is -d 'Send the URL path exactly as typed (no `..` or `.` folding)'
complete -c https -l chunked -d 'Send the body with Transfer-Encoding: chunked'
complete -c https -s I -l ignore-stdin -d 'Never read the request body from stdin'
complete -c https -l debug -d 'Print the version, the config dir and file, the options (after the config file\'s and the defaults) and the environment variables read, secrets redacted, to stderr; then run'
complete -c https -s V -l version -d 'Print the version and exit'
complete -c https -l help -d 'Print help'

# Session names for --session and --session-read-only, from the config dir.
function __fish_https_sessions
    set -l dir $HOME/.config/courier
    set -q XDG_CONFIG_HOME; and test -n "$XDG_CONFIG_HOME"; and set dir $XDG_CONFIG_HOME/courier
    set -q COURIER_CONFIG_DIR; and test -n "$COURIER_CONFIG_DIR"; and set dir $COURIER_CONFIG_DIR
    for f in $dir/sessions/*/*.json
        basename $f .json
    end | sort -u
end
complete -c https -l session -r -f -a '(__fish_https_sessions)'
complete -c https -l session-read-only -r -f -a '(__fish_https_sessions)'
# The method, as the first word.
complete -c https -n 'test (count (commandline -opc)) -eq 1' -a 'GET POST PUT PATCH DELETE HEAD OPTIONS'
