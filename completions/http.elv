
use builtin;
use str;

set edit:completion:arg-completer[http] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'http'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'http'= {
            cand --boundary 'The multipart boundary to use instead of a random one'
            cand --raw 'A raw request body, sent as is (UTF-8)'
            cand --pretty 'Prettify output: all (format and colors), colors, format, none. Default: all on a terminal, none when redirected (then bodies are byte-exact)'
            cand -s 'Color theme: auto (the terminal''s palette), solarized, monochrome; or, in 256 colors as HTTPie shows them, HTTPie''s pie-dark, pie-light, pie and the Pygments styles'
            cand --style 'Color theme: auto (the terminal''s palette), solarized, monochrome; or, in 256 colors as HTTPie shows them, HTTPie''s pie-dark, pie-light, pie and the Pygments styles'
            cand --format-options 'Formatting: headers.sort, json.format, json.indent, json.sort_keys, xml.format, xml.indent, as key:value pairs separated by commas'
            cand --response-charset 'Decode the response body with this charset for display (overrides Content-Type''s)'
            cand --response-mime 'Format the response body as this MIME type (overrides Content-Type)'
            cand -o 'The file to write: with --download, the body; without, everything that would be printed'
            cand --output 'The file to write: with --download, the body; without, everything that would be printed'
            cand --max-pages 'With --paginate: the most pages to fetch (default 100, at most 100000)'
            cand --session 'Use a session and update it: cookies, auth and headers kept between runs. A NAME is kept in the config dir per host; a value with a / is a file path'
            cand --session-read-only 'Use a session without ever writing it'
            cand -a 'Credentials: USER:PASS (USER alone prompts for the password), or a TOKEN with --auth-type=bearer'
            cand --auth 'Credentials: USER:PASS (USER alone prompts for the password), or a TOKEN with --auth-type=bearer'
            cand -A 'The authentication scheme: basic, digest (answers the server''s challenge) or bearer'
            cand --auth-type 'The authentication scheme: basic, digest (answers the server''s challenge) or bearer'
            cand --timeout 'Seconds of silence allowed between bytes (connect included); 0 waits forever'
            cand --connect-timeout 'Seconds allowed to connect (DNS, TCP and TLS, proxy included); default: --timeout, else 30'
            cand --max-time 'Seconds the whole run may take, every redirect hop included; exit 2 when exceeded'
            cand --max-headers 'Most response headers to accept (0: no limit of ours; the engine stops at 128)'
            cand --resolve 'Connect to ADDR for HOST:PORT, keeping HOST for the Host header and TLS (as curl)'
            cand --unix-socket 'Talk HTTP over this Unix domain socket (the URL''s host is only the Host header)'
            cand --interface 'Connect from this local address, or from the address of this interface (as curl)'
            cand --max-redirects 'With --follow: how many redirects to follow; one more ends with exit status 6'
            cand --retry 'Retry up to N times after a connection failure, a timeout or a --retry-on status'
            cand --retry-on 'Statuses to retry: codes and classes, e.g. 429,5xx (default 408,429,500,502,503,504)'
            cand --retry-backoff 'The first backoff wait in seconds, doubled per attempt, randomised (default 0.5)'
            cand --retry-max-delay 'The longest wait between attempts, a server''s Retry-After included (default 30)'
            cand --proxy 'A proxy for http targets, https targets or all, as PROTOCOL:URL (repeatable), e.g. --proxy=http:http://user:pass@proxy:3128 or --proxy=all:socks5h://proxy:1080. Proxy URLs: http, https, socks4, socks4a, socks5, socks5h. Overrides http_proxy, https_proxy and all_proxy; no_proxy still applies'
            cand --verify 'Verify the server''s TLS certificate: yes (against the system''s trust store, or REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR), no (don''t: unsafe), or the path of a PEM CA bundle or a directory of CA certificates to trust instead'
            cand --ssl 'The lowest TLS version to offer: tls1.2 (the default, as ssl2.3) or tls1.3'
            cand --ciphers 'The cipher suites to offer, in order, separated by '':'' or '','': IANA or OpenSSL names (TLS_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256)'
            cand --cert 'A client certificate (PEM: the chain, leaf first, and the key unless --cert-key gives it)'
            cand --cert-key 'The private key of --cert (PEM: PKCS#8, encrypted or not, PKCS#1 or SEC1)'
            cand --cert-key-pass 'The passphrase of an encrypted --cert-key (asked for on the terminal when omitted)'
            cand --default-scheme 'The scheme for URLs typed without one (the `https` program always uses https)'
            cand -p 'What to print, any of: H request headers, B request body, h response headers, b response body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected'
            cand --print 'What to print, any of: H request headers, B request body, h response headers, b response body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected'
            cand -j 'Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type headers when there is no data'
            cand --json 'Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type headers when there is no data'
            cand -f 'Serialize data items as an urlencoded form; multipart when a file field is present'
            cand --form 'Serialize data items as an urlencoded form; multipart when a file field is present'
            cand --multipart 'Always send a multipart/form-data body'
            cand -x 'Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice (-xx) to always compress'
            cand --compress 'Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice (-xx) to always compress'
            cand --sorted 'Sort headers and JSON keys (--format-options=headers.sort:true,json.sort_keys:true)'
            cand --unsorted 'Keep headers and JSON keys in the order received'
            cand -h 'Print only the response headers (--print=h)'
            cand --headers 'Print only the response headers (--print=h)'
            cand -b 'Print only the response body (--print=b)'
            cand --body 'Print only the response body (--print=b)'
            cand -m 'Print only the response metadata: elapsed time and where it went (--print=m)'
            cand --meta 'Print only the response metadata: elapsed time and where it went (--print=m)'
            cand -v 'Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all'
            cand --verbose 'Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all'
            cand --all 'Print every exchange of the run (intermediate responses such as redirects and auth challenges), not only the last'
            cand -S 'Print the response body line by line as it arrives (NDJSON, server-sent events, logs)'
            cand --stream 'Print the response body line by line as it arrives (NDJSON, server-sent events, logs)'
            cand -q 'Print nothing but errors (the response is still received and checked)'
            cand --quiet 'Print nothing but errors (the response is still received and checked)'
            cand -d 'Save the response body to a file (named by -o, Content-Disposition or the URL), with a progress bar; follows redirects. To stdout when it is redirected and no -o is given'
            cand --download 'Save the response body to a file (named by -o, Content-Disposition or the URL), with a progress bar; follows redirects. To stdout when it is redirected and no -o is given'
            cand -c 'Resume an interrupted --download into the --output file (Range: bytes=N-)'
            cand --continue 'Resume an interrupted --download into the --output file (Range: bytes=N-)'
            cand --paginate 'Follow `Link: <URL>; rel="next"` from page to page, printing each page in order (stops at an error status, a link loop or --max-pages)'
            cand --slurp 'With --paginate: print the pages, each a JSON array, as one merged array'
            cand --ignore-netrc 'Don''t read credentials from .netrc ($NETRC or ~/.netrc)'
            cand --offline 'Build and print the request without sending it'
            cand --curl 'Print an equivalent curl command line instead of sending the request (as --offline, nothing is sent); what curl cannot express is named in # comment lines after it'
            cand -4 'Connect over IPv4 only'
            cand --ipv4 'Connect over IPv4 only'
            cand -6 'Connect over IPv6 only'
            cand --ipv6 'Connect over IPv6 only'
            cand -F 'Follow redirects (3xx with a Location), never carrying credentials or cookies to another origin'
            cand --follow 'Follow redirects (3xx with a Location), never carrying credentials or cookies to another origin'
            cand --retry-all-methods 'Retry POST, PATCH and other methods that are not idempotent too'
            cand --check-status 'Exit with 3, 4 or 5 for a 3xx, 4xx or 5xx response'
            cand --path-as-is 'Send the URL path exactly as typed (no `..` or `.` folding)'
            cand --chunked 'Send the body with Transfer-Encoding: chunked'
            cand -I 'Never read the request body from stdin'
            cand --ignore-stdin 'Never read the request body from stdin'
            cand --debug 'Print the version, the config dir and file, the options (after the config file''s and the defaults) and the environment variables read, secrets redacted, to stderr; then run'
            cand -V 'Print the version and exit'
            cand --version 'Print the version and exit'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
