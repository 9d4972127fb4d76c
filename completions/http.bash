_http() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="http"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        http)
            opts="-j -f -x -s -h -b -m -v -S -q -d -o -c -a -A -4 -6 -F -I -V -p --json --form --multipart --boundary --raw --compress --pretty --style --sorted --unsorted --format-options --response-charset --response-mime --headers --body --meta --verbose --all --stream --quiet --download --output --continue --paginate --max-pages --slurp --session --session-read-only --auth --auth-type --ignore-netrc --token-url --scope --token-auth --oauth1-token --aws-sigv4 --offline --curl --timeout --connect-timeout --max-time --max-headers --resolve --ipv4 --ipv6 --unix-socket --interface --follow --max-redirects --retry --retry-on --retry-backoff --retry-max-delay --retry-all-methods --check-status --path-as-is --chunked --proxy --verify --ssl --ciphers --cert --cert-key --cert-key-pass --ignore-stdin --default-scheme --debug --version --help --print GET POST PUT PATCH DELETE HEAD OPTIONS"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --boundary)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --raw)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pretty)
                    COMPREPLY=($(compgen -W "all colors format none" -- "${cur}"))
                    return 0
                    ;;
                --style)
                    COMPREPLY=($(compgen -W "auto solarized monochrome pie pie-dark pie-light monokai fruity paraiso-dark paraiso-light solarized-dark solarized-light" -- "${cur}"))
                    return 0
                    ;;
                -s)
                    COMPREPLY=($(compgen -W "auto solarized monochrome pie pie-dark pie-light monokai fruity paraiso-dark paraiso-light solarized-dark solarized-light" -- "${cur}"))
                    return 0
                    ;;
                --format-options)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --response-charset)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --response-mime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-pages)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-read-only)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -a)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --auth-type)
                    COMPREPLY=($(compgen -W "basic digest bearer oauth2 oauth1 aws-sigv4" -- "${cur}"))
                    return 0
                    ;;
                -A)
                    COMPREPLY=($(compgen -W "basic digest bearer oauth2 oauth1 aws-sigv4" -- "${cur}"))
                    return 0
                    ;;
                --token-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --scope)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-auth)
                    COMPREPLY=($(compgen -W "basic body" -- "${cur}"))
                    return 0
                    ;;
                --oauth1-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --aws-sigv4)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-headers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --unix-socket)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interface)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-redirects)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-on)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-backoff)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-max-delay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verify)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssl)
                    COMPREPLY=($(compgen -W "ssl2.3 tls1.2 tls1.3" -- "${cur}"))
                    return 0
                    ;;
                --ciphers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-key-pass)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --default-scheme)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --print)
                    COMPREPLY=($(compgen -W "H B h b m hb Hh HBhb HBhbm Hhb hbm" -- "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -W "H B h b m hb Hh HBhb HBhbm Hhb hbm" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _http -o nosort -o bashdefault -o default http
else
    complete -F _http -o bashdefault -o default http
fi

# Session names for --session and --session-read-only, from the config dir.
_http_sessions() {
    local dir="${COURIER_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/courier}/sessions"
    [ -d "$dir" ] || return 0
    command ls "$dir"/*/*.json 2>/dev/null | sed -e 's|.*/||' -e 's|\.json$||' | sort -u
}
_http_with_sessions() {
    case "${COMP_WORDS[COMP_CWORD-1]}" in
        --session|--session-read-only)
            COMPREPLY=($(compgen -W "$(_http_sessions)" -- "${COMP_WORDS[COMP_CWORD]}"))
            [ ${#COMPREPLY[@]} -gt 0 ] && return 0
            ;;
    esac
    _http "$@"
}
complete -F _http_with_sessions -o bashdefault -o default http
