
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'https' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'https'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'https' {
            [CompletionResult]::new('--boundary', '--boundary', [CompletionResultType]::ParameterName, 'The multipart boundary to use instead of a random one')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'A raw request body, sent as is (UTF-8)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Prettify output: all (format and colors), colors, format, none. Default: all on a terminal, none when redirected (then bodies are byte-exact)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Color theme: auto (the terminal''s palette), solarized, monochrome; or, in 256 colors as HTTPie shows them, HTTPie''s pie-dark, pie-light, pie and the Pygments styles')
            [CompletionResult]::new('--style', '--style', [CompletionResultType]::ParameterName, 'Color theme: auto (the terminal''s palette), solarized, monochrome; or, in 256 colors as HTTPie shows them, HTTPie''s pie-dark, pie-light, pie and the Pygments styles')
            [CompletionResult]::new('--format-options', '--format-options', [CompletionResultType]::ParameterName, 'Formatting: headers.sort, json.format, json.indent, json.sort_keys, xml.format, xml.indent, as key:value pairs separated by commas')
            [CompletionResult]::new('--response-charset', '--response-charset', [CompletionResultType]::ParameterName, 'Decode the response body with this charset for display (overrides Content-Type''s)')
            [CompletionResult]::new('--response-mime', '--response-mime', [CompletionResultType]::ParameterName, 'Format the response body as this MIME type (overrides Content-Type)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The file to write: with --download, the body; without, everything that would be printed')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The file to write: with --download, the body; without, everything that would be printed')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'With --paginate: the most pages to fetch (default 100, at most 100000)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Use a session and update it: cookies, auth and headers kept between runs. A NAME is kept in the config dir per host; a value with a / is a file path')
            [CompletionResult]::new('--session-read-only', '--session-read-only', [CompletionResultType]::ParameterName, 'Use a session without ever writing it')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Credentials: USER:PASS (USER alone prompts for the password), a TOKEN with --auth-type=bearer, CLIENT_ID:CLIENT_SECRET (oauth2), CONSUMER_KEY:CONSUMER_SECRET (oauth1) or ACCESS_KEY:SECRET_KEY (aws-sigv4)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Credentials: USER:PASS (USER alone prompts for the password), a TOKEN with --auth-type=bearer, CLIENT_ID:CLIENT_SECRET (oauth2), CONSUMER_KEY:CONSUMER_SECRET (oauth1) or ACCESS_KEY:SECRET_KEY (aws-sigv4)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'The authentication scheme: basic, digest (answers the server''s challenge), bearer, oauth2 (client credentials), oauth1 (HMAC-SHA1 signing) or aws-sigv4')
            [CompletionResult]::new('--auth-type', '--auth-type', [CompletionResultType]::ParameterName, 'The authentication scheme: basic, digest (answers the server''s challenge), bearer, oauth2 (client credentials), oauth1 (HMAC-SHA1 signing) or aws-sigv4')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'OAuth 2.0: the token endpoint the client credentials are exchanged at (implies --auth-type=oauth2)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'OAuth 2.0: a scope to ask for; repeat it, or give several separated by spaces')
            [CompletionResult]::new('--token-auth', '--token-auth', [CompletionResultType]::ParameterName, 'OAuth 2.0: how the client authenticates to the token endpoint: basic (HTTP Basic, the default) or body (client_id and client_secret in the form)')
            [CompletionResult]::new('--oauth1-token', '--oauth1-token', [CompletionResultType]::ParameterName, 'OAuth 1.0a: the user''s token and token secret (implies --auth-type=oauth1)')
            [CompletionResult]::new('--aws-sigv4', '--aws-sigv4', [CompletionResultType]::ParameterName, 'AWS Signature V4 with curl''s PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]], e.g. aws:amz:us-east-1:execute-api (implies --auth-type=aws-sigv4)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds of silence allowed between bytes (connect included); 0 waits forever')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed to connect (DNS, TCP and TLS, proxy included); default: --timeout, else 30')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Seconds the whole run may take, every redirect hop included; exit 2 when exceeded')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most response headers to accept (0: no limit of ours; the engine stops at 128)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST:PORT, keeping HOST for the Host header and TLS (as curl)')
            [CompletionResult]::new('--unix-socket', '--unix-socket', [CompletionResultType]::ParameterName, 'Talk HTTP over this Unix domain socket (the URL''s host is only the Host header)')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Connect from this local address, or from the address of this interface (as curl)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'With --follow: how many redirects to follow; one more ends with exit status 6')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry up to N times after a connection failure, a timeout or a --retry-on status')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Statuses to retry: codes and classes, e.g. 429,5xx (default 408,429,500,502,503,504)')
            [CompletionResult]::new('--retry-backoff', '--retry-backoff', [CompletionResultType]::ParameterName, 'The first backoff wait in seconds, doubled per attempt, randomised (default 0.5)')
            [CompletionResult]::new('--retry-max-delay', '--retry-max-delay', [CompletionResultType]::ParameterName, 'The longest wait between attempts, a server''s Retry-After included (default 30)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'A proxy for http targets, https targets or all, as PROTOCOL:URL (repeatable), e.g. --proxy=http:http://user:pass@proxy:3128 or --proxy=all:socks5h://proxy:1080. Proxy URLs: http, https, socks4, socks4a, socks5, socks5h. Overrides http_proxy, https_proxy and all_proxy; no_proxy still applies')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Verify the server''s TLS certificate: yes (against the system''s trust store, or REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR), no (don''t: unsafe), or the path of a PEM CA bundle or a directory of CA certificates to trust instead')
            [CompletionResult]::new('--ssl', '--ssl', [CompletionResultType]::ParameterName, 'The lowest TLS version to offer: tls1.2 (the default, as ssl2.3) or tls1.3')
            [CompletionResult]::new('--ciphers', '--ciphers', [CompletionResultType]::ParameterName, 'The cipher suites to offer, in order, separated by '':'' or '','': IANA or OpenSSL names (TLS_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'A client certificate (PEM: the chain, leaf first, and the key unless --cert-key gives it)')
            [CompletionResult]::new('--cert-key', '--cert-key', [CompletionResultType]::ParameterName, 'The private key of --cert (PEM: PKCS#8, encrypted or not, PKCS#1 or SEC1)')
            [CompletionResult]::new('--cert-key-pass', '--cert-key-pass', [CompletionResultType]::ParameterName, 'The passphrase of an encrypted --cert-key (asked for on the terminal when omitted)')
            [CompletionResult]::new('--default-scheme', '--default-scheme', [CompletionResultType]::ParameterName, 'The scheme for URLs typed without one (the `https` program always uses https)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'What to print, any of: H request headers, B request body, h response headers, b response body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'What to print, any of: H request headers, B request body, h response headers, b response body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type headers when there is no data')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type headers when there is no data')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Serialize data items as an urlencoded form; multipart when a file field is present')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Serialize data items as an urlencoded form; multipart when a file field is present')
            [CompletionResult]::new('--multipart', '--multipart', [CompletionResultType]::ParameterName, 'Always send a multipart/form-data body')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice (-xx) to always compress')
            [CompletionResult]::new('--compress', '--compress', [CompletionResultType]::ParameterName, 'Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice (-xx) to always compress')
            [CompletionResult]::new('--sorted', '--sorted', [CompletionResultType]::ParameterName, 'Sort headers and JSON keys (--format-options=headers.sort:true,json.sort_keys:true)')
            [CompletionResult]::new('--unsorted', '--unsorted', [CompletionResultType]::ParameterName, 'Keep headers and JSON keys in the order received')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print only the response headers (--print=h)')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Print only the response headers (--print=h)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Print only the response body (--print=b)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Print only the response body (--print=b)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Print only the response metadata: elapsed time and where it went (--print=m)')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Print only the response metadata: elapsed time and where it went (--print=m)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Print every exchange of the run (intermediate responses such as redirects and auth challenges), not only the last')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'Print the response body line by line as it arrives (NDJSON, server-sent events, logs)')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Print the response body line by line as it arrives (NDJSON, server-sent events, logs)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (the response is still received and checked)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (the response is still received and checked)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Save the response body to a file (named by -o, Content-Disposition or the URL), with a progress bar; follows redirects. To stdout when it is redirected and no -o is given')
            [CompletionResult]::new('--download', '--download', [CompletionResultType]::ParameterName, 'Save the response body to a file (named by -o, Content-Disposition or the URL), with a progress bar; follows redirects. To stdout when it is redirected and no -o is given')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Resume an interrupted --download into the --output file (Range: bytes=N-)')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Resume an interrupted --download into the --output file (Range: bytes=N-)')
            [CompletionResult]::new('--paginate', '--paginate', [CompletionResultType]::ParameterName, 'Follow `Link: <URL>; rel="next"` from page to page, printing each page in order (stops at an error status, a link loop or --max-pages)')
            [CompletionResult]::new('--slurp', '--slurp', [CompletionResultType]::ParameterName, 'With --paginate: print the pages, each a JSON array, as one merged array')
            [CompletionResult]::new('--ignore-netrc', '--ignore-netrc', [CompletionResultType]::ParameterName, 'Don''t read credentials from .netrc ($NETRC or ~/.netrc)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Build and print the request without sending it')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command line instead of sending the request (as --offline, nothing is sent); what curl cannot express is named in # comment lines after it')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Connect over IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Connect over IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Connect over IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Connect over IPv6 only')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Follow redirects (3xx with a Location), never carrying credentials or cookies to another origin')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow redirects (3xx with a Location), never carrying credentials or cookies to another origin')
            [CompletionResult]::new('--retry-all-methods', '--retry-all-methods', [CompletionResultType]::ParameterName, 'Retry POST, PATCH and other methods that are not idempotent too')
            [CompletionResult]::new('--check-status', '--check-status', [CompletionResultType]::ParameterName, 'Exit with 3, 4 or 5 for a 3xx, 4xx or 5xx response')
            [CompletionResult]::new('--path-as-is', '--path-as-is', [CompletionResultType]::ParameterName, 'Send the URL path exactly as typed (no `..` or `.` folding)')
            [CompletionResult]::new('--chunked', '--chunked', [CompletionResultType]::ParameterName, 'Send the body with Transfer-Encoding: chunked')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Never read the request body from stdin')
            [CompletionResult]::new('--ignore-stdin', '--ignore-stdin', [CompletionResultType]::ParameterName, 'Never read the request body from stdin')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the version, the config dir and file, the options (after the config file''s and the defaults) and the environment variables read, secrets redacted, to stderr; then run')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version and exit')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
