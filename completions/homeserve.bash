# bash completion for homeserve
# Generated from the homeserve command table by 'homeserve completion bash' (scripts/generate).
# Do not edit: change the table and regenerate.
#
# Install: copy to ~/.local/share/bash-completion/completions/homeserve
# (or $(pkg-config --variable=completionsdir bash-completion)), or add to ~/.bashrc:
#   source <(homeserve completion bash)

# The words that may follow a command path: subgroups and commands.
_homeserve_children() {
    case $1 in
        '') REPLY='auth config services bookings pricing scheduling vendors signatures photos disputes admin ai api watch doctor smoke completion' ;;
        'auth') REPLY='login otp refresh status token logout' ;;
        'auth otp') REPLY='send verify' ;;
        'config') REPLY='list profiles get set unset path' ;;
        'services') REPLY='list get categories' ;;
        'bookings') REPLY='list get create update cancel accept complete request-signature wait' ;;
        'pricing') REPLY='quote predict' ;;
        'scheduling') REPLY='slots suggest optimize' ;;
        'vendors') REPLY='search' ;;
        'signatures') REPLY='list sign request reject' ;;
        'photos') REPLY='list upload delete' ;;
        'disputes') REPLY='list get create messages send read resolve' ;;
        'admin') REPLY='cache pincodes stats analytics history notifications alerts' ;;
        'admin cache') REPLY='stats clear' ;;
        'admin analytics') REPLY='pincode' ;;
        'admin history') REPLY='export' ;;
        'admin notifications') REPLY='stats trigger logs' ;;
        'ai') REPLY='pincode dispute vendor-bonus' ;;
        'watch') REPLY='booking notifications chat status' ;;
        'completion') REPLY='bash zsh fish man' ;;
        *) REPLY='' ;;
    esac
}

# Succeeds when the path names a command (it may also have subcommands).
_homeserve_is_command() {
    case $1 in
        'auth login') return 0 ;;
        'auth otp send') return 0 ;;
        'auth otp verify') return 0 ;;
        'auth refresh') return 0 ;;
        'auth status') return 0 ;;
        'auth token') return 0 ;;
        'auth logout') return 0 ;;
        'config list') return 0 ;;
        'config profiles') return 0 ;;
        'config get') return 0 ;;
        'config set') return 0 ;;
        'config unset') return 0 ;;
        'config path') return 0 ;;
        'services list') return 0 ;;
        'services get') return 0 ;;
        'services categories') return 0 ;;
        'bookings list') return 0 ;;
        'bookings get') return 0 ;;
        'bookings create') return 0 ;;
        'bookings update') return 0 ;;
        'bookings cancel') return 0 ;;
        'bookings accept') return 0 ;;
        'bookings complete') return 0 ;;
        'bookings request-signature') return 0 ;;
        'bookings wait') return 0 ;;
        'pricing quote') return 0 ;;
        'pricing predict') return 0 ;;
        'scheduling slots') return 0 ;;
        'scheduling suggest') return 0 ;;
        'scheduling optimize') return 0 ;;
        'vendors search') return 0 ;;
        'signatures list') return 0 ;;
        'signatures sign') return 0 ;;
        'signatures request') return 0 ;;
        'signatures reject') return 0 ;;
        'photos list') return 0 ;;
        'photos upload') return 0 ;;
        'photos delete') return 0 ;;
        'disputes list') return 0 ;;
        'disputes get') return 0 ;;
        'disputes create') return 0 ;;
        'disputes messages') return 0 ;;
        'disputes send') return 0 ;;
        'disputes read') return 0 ;;
        'disputes resolve') return 0 ;;
        'admin cache stats') return 0 ;;
        'admin cache clear') return 0 ;;
        'admin pincodes') return 0 ;;
        'admin stats') return 0 ;;
        'admin analytics pincode') return 0 ;;
        'admin history') return 0 ;;
        'admin history export') return 0 ;;
        'admin notifications stats') return 0 ;;
        'admin notifications trigger') return 0 ;;
        'admin notifications logs') return 0 ;;
        'admin alerts') return 0 ;;
        'ai pincode') return 0 ;;
        'ai dispute') return 0 ;;
        'ai vendor-bonus') return 0 ;;
        'api') return 0 ;;
        'watch booking') return 0 ;;
        'watch notifications') return 0 ;;
        'watch chat') return 0 ;;
        'watch status') return 0 ;;
        'doctor') return 0 ;;
        'smoke') return 0 ;;
        'completion bash') return 0 ;;
        'completion zsh') return 0 ;;
        'completion fish') return 0 ;;
        'completion man') return 0 ;;
    esac
    return 1
}

# A command's own flags; the global flags are valid everywhere.
_homeserve_flags() {
    case $1 in
        'auth login') REPLY='--username --password-stdin' ;;
        'auth otp send') REPLY='--email --phone --vendor' ;;
        'auth otp verify') REPLY='--email --phone --vendor --otp' ;;
        'auth status') REPLY='--offline' ;;
        'services list') REPLY='--category --page --page-size --limit --all --parallel' ;;
        'bookings list') REPLY='--status --pincode --from --to --customer --vendor --page --page-size --limit --all --parallel' ;;
        'bookings create') REPLY='--service --pincode --date --notes --price' ;;
        'bookings update') REPLY='--notes --vendor-notes --date --status --set' ;;
        'bookings wait') REPLY='--status --timeout --poll --reconnect-attempts --reconnect-delay' ;;
        'pricing quote') REPLY='--service --pincode --at' ;;
        'pricing predict') REPLY='--service --pincode --days' ;;
        'scheduling slots') REPLY='--vendor --service --pincode --date' ;;
        'scheduling suggest') REPLY='--vendor --service --pincode --date' ;;
        'scheduling optimize') REPLY='--date' ;;
        'vendors search') REPLY='--pincode --service' ;;
        'signatures list') REPLY='--page --page-size --limit --all --parallel' ;;
        'signatures sign') REPLY='--rating --comments' ;;
        'signatures request') REPLY='--booking --photo' ;;
        'signatures reject') REPLY='--reason --evidence' ;;
        'photos list') REPLY='--booking --page --page-size --limit --all --parallel' ;;
        'photos upload') REPLY='--booking --type --description' ;;
        'disputes list') REPLY='--status --booking --type --page --page-size --limit --all --parallel' ;;
        'disputes create') REPLY='--booking --type --title --description --evidence' ;;
        'disputes messages') REPLY='--page --page-size --limit --all --parallel' ;;
        'disputes send') REPLY='--message --message-file --attachment' ;;
        'disputes resolve') REPLY='--notes --amount --evidence' ;;
        'admin cache clear') REPLY='--type' ;;
        'admin pincodes') REPLY='--service-type --days-back' ;;
        'admin analytics pincode') REPLY='--pincode --from --to --page --page-size --limit --all --parallel' ;;
        'admin history') REPLY='--model --user --action --from --to --page --page-size --limit --all --parallel' ;;
        'admin history export') REPLY='--model --user --action --from --to --out' ;;
        'admin notifications logs') REPLY='--type --method --status --recipient --from --to --page --page-size --limit --all --parallel' ;;
        'admin alerts') REPLY='--type --severity --status --page --page-size --limit --all --parallel' ;;
        'ai pincode') REPLY='--pincode --days' ;;
        'ai vendor-bonus') REPLY='--vendor --days' ;;
        'api') REPLY='--field --raw-field --input --paginate --out --page --page-size --limit --all --parallel' ;;
        'watch booking') REPLY='--count --until --timeout --reconnect-attempts --reconnect-delay' ;;
        'watch notifications') REPLY='--user --count --until --timeout --reconnect-attempts --reconnect-delay' ;;
        'watch chat') REPLY='--user --role --count --until --timeout --reconnect-attempts --reconnect-delay --send' ;;
        'watch status') REPLY='--user --role --count --until --timeout --reconnect-attempts --reconnect-delay' ;;
        'smoke') REPLY='--as --write --ws --junit --pincode' ;;
        *) REPLY='' ;;
    esac
}

_homeserve_global_flags() { REPLY='--profile --url --output --fields --jq --sort-by --no-headers --wide --timeout --retries --insecure --cacert --dry-run --verbose --quiet --no-color --help --version'; }

_homeserve_topics() { REPLY='exit-codes environment output sessions dates'; }

# How a flag's value completes: none (no value), choice WORDS..., file, payload, profile or text.
_homeserve_value() {
    case "$1 $2" in
        'auth login --username') REPLY='text' ;;
        'auth login --password-stdin') REPLY='none' ;;
        'auth otp send --email') REPLY='text' ;;
        'auth otp send --phone') REPLY='text' ;;
        'auth otp send --vendor') REPLY='none' ;;
        'auth otp verify --email') REPLY='text' ;;
        'auth otp verify --phone') REPLY='text' ;;
        'auth otp verify --vendor') REPLY='none' ;;
        'auth otp verify --otp') REPLY='text' ;;
        'auth status --offline') REPLY='none' ;;
        'services list --category') REPLY='text' ;;
        'services list --page') REPLY='text' ;;
        'services list --page-size') REPLY='text' ;;
        'services list --limit') REPLY='text' ;;
        'services list --all') REPLY='none' ;;
        'services list --parallel') REPLY='text' ;;
        'bookings list --status') REPLY='choice pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings list --pincode') REPLY='text' ;;
        'bookings list --from') REPLY='text' ;;
        'bookings list --to') REPLY='text' ;;
        'bookings list --customer') REPLY='text' ;;
        'bookings list --vendor') REPLY='text' ;;
        'bookings list --page') REPLY='text' ;;
        'bookings list --page-size') REPLY='text' ;;
        'bookings list --limit') REPLY='text' ;;
        'bookings list --all') REPLY='none' ;;
        'bookings list --parallel') REPLY='text' ;;
        'bookings create --service') REPLY='text' ;;
        'bookings create --pincode') REPLY='text' ;;
        'bookings create --date') REPLY='text' ;;
        'bookings create --notes') REPLY='text' ;;
        'bookings create --price') REPLY='text' ;;
        'bookings update --notes') REPLY='text' ;;
        'bookings update --vendor-notes') REPLY='text' ;;
        'bookings update --date') REPLY='text' ;;
        'bookings update --status') REPLY='choice pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings update --set') REPLY='text' ;;
        'bookings wait --status') REPLY='choice pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings wait --timeout') REPLY='text' ;;
        'bookings wait --poll') REPLY='text' ;;
        'bookings wait --reconnect-attempts') REPLY='text' ;;
        'bookings wait --reconnect-delay') REPLY='text' ;;
        'pricing quote --service') REPLY='text' ;;
        'pricing quote --pincode') REPLY='text' ;;
        'pricing quote --at') REPLY='text' ;;
        'pricing predict --service') REPLY='text' ;;
        'pricing predict --pincode') REPLY='text' ;;
        'pricing predict --days') REPLY='text' ;;
        'scheduling slots --vendor') REPLY='text' ;;
        'scheduling slots --service') REPLY='text' ;;
        'scheduling slots --pincode') REPLY='text' ;;
        'scheduling slots --date') REPLY='text' ;;
        'scheduling suggest --vendor') REPLY='text' ;;
        'scheduling suggest --service') REPLY='text' ;;
        'scheduling suggest --pincode') REPLY='text' ;;
        'scheduling suggest --date') REPLY='text' ;;
        'scheduling optimize --date') REPLY='text' ;;
        'vendors search --pincode') REPLY='text' ;;
        'vendors search --service') REPLY='text' ;;
        'signatures list --page') REPLY='text' ;;
        'signatures list --page-size') REPLY='text' ;;
        'signatures list --limit') REPLY='text' ;;
        'signatures list --all') REPLY='none' ;;
        'signatures list --parallel') REPLY='text' ;;
        'signatures sign --rating') REPLY='text' ;;
        'signatures sign --comments') REPLY='text' ;;
        'signatures request --booking') REPLY='text' ;;
        'signatures request --photo') REPLY='text' ;;
        'signatures reject --reason') REPLY='text' ;;
        'signatures reject --evidence') REPLY='payload' ;;
        'photos list --booking') REPLY='text' ;;
        'photos list --page') REPLY='text' ;;
        'photos list --page-size') REPLY='text' ;;
        'photos list --limit') REPLY='text' ;;
        'photos list --all') REPLY='none' ;;
        'photos list --parallel') REPLY='text' ;;
        'photos upload --booking') REPLY='text' ;;
        'photos upload --type') REPLY='choice before after additional' ;;
        'photos upload --description') REPLY='text' ;;
        'disputes list --status') REPLY='choice open in_progress resolved escalated closed' ;;
        'disputes list --booking') REPLY='text' ;;
        'disputes list --type') REPLY='choice quality incomplete_work damage billing no_show' ;;
        'disputes list --page') REPLY='text' ;;
        'disputes list --page-size') REPLY='text' ;;
        'disputes list --limit') REPLY='text' ;;
        'disputes list --all') REPLY='none' ;;
        'disputes list --parallel') REPLY='text' ;;
        'disputes create --booking') REPLY='text' ;;
        'disputes create --type') REPLY='choice quality incomplete_work damage billing no_show' ;;
        'disputes create --title') REPLY='text' ;;
        'disputes create --description') REPLY='text' ;;
        'disputes create --evidence') REPLY='payload' ;;
        'disputes messages --page') REPLY='text' ;;
        'disputes messages --page-size') REPLY='text' ;;
        'disputes messages --limit') REPLY='text' ;;
        'disputes messages --all') REPLY='none' ;;
        'disputes messages --parallel') REPLY='text' ;;
        'disputes send --message') REPLY='text' ;;
        'disputes send --message-file') REPLY='file' ;;
        'disputes send --attachment') REPLY='file' ;;
        'disputes resolve --notes') REPLY='text' ;;
        'disputes resolve --amount') REPLY='text' ;;
        'disputes resolve --evidence') REPLY='payload' ;;
        'admin cache clear --type') REPLY='choice all pricing vendor_search services' ;;
        'admin pincodes --service-type') REPLY='text' ;;
        'admin pincodes --days-back') REPLY='text' ;;
        'admin analytics pincode --pincode') REPLY='text' ;;
        'admin analytics pincode --from') REPLY='text' ;;
        'admin analytics pincode --to') REPLY='text' ;;
        'admin analytics pincode --page') REPLY='text' ;;
        'admin analytics pincode --page-size') REPLY='text' ;;
        'admin analytics pincode --limit') REPLY='text' ;;
        'admin analytics pincode --all') REPLY='none' ;;
        'admin analytics pincode --parallel') REPLY='text' ;;
        'admin history --model') REPLY='text' ;;
        'admin history --user') REPLY='text' ;;
        'admin history --action') REPLY='choice create update delete' ;;
        'admin history --from') REPLY='text' ;;
        'admin history --to') REPLY='text' ;;
        'admin history --page') REPLY='text' ;;
        'admin history --page-size') REPLY='text' ;;
        'admin history --limit') REPLY='text' ;;
        'admin history --all') REPLY='none' ;;
        'admin history --parallel') REPLY='text' ;;
        'admin history export --model') REPLY='text' ;;
        'admin history export --user') REPLY='text' ;;
        'admin history export --action') REPLY='choice create update delete' ;;
        'admin history export --from') REPLY='text' ;;
        'admin history export --to') REPLY='text' ;;
        'admin history export --out') REPLY='file' ;;
        'admin notifications logs --type') REPLY='text' ;;
        'admin notifications logs --method') REPLY='choice email sms websocket' ;;
        'admin notifications logs --status') REPLY='choice pending sent delivered failed' ;;
        'admin notifications logs --recipient') REPLY='text' ;;
        'admin notifications logs --from') REPLY='text' ;;
        'admin notifications logs --to') REPLY='text' ;;
        'admin notifications logs --page') REPLY='text' ;;
        'admin notifications logs --page-size') REPLY='text' ;;
        'admin notifications logs --limit') REPLY='text' ;;
        'admin notifications logs --all') REPLY='none' ;;
        'admin notifications logs --parallel') REPLY='text' ;;
        'admin alerts --type') REPLY='text' ;;
        'admin alerts --severity') REPLY='choice low medium high critical' ;;
        'admin alerts --status') REPLY='choice active acknowledged resolved ignored' ;;
        'admin alerts --page') REPLY='text' ;;
        'admin alerts --page-size') REPLY='text' ;;
        'admin alerts --limit') REPLY='text' ;;
        'admin alerts --all') REPLY='none' ;;
        'admin alerts --parallel') REPLY='text' ;;
        'ai pincode --pincode') REPLY='text' ;;
        'ai pincode --days') REPLY='text' ;;
        'ai vendor-bonus --vendor') REPLY='text' ;;
        'ai vendor-bonus --days') REPLY='text' ;;
        'api --field'|'api -F') REPLY='text' ;;
        'api --raw-field'|'api -f') REPLY='text' ;;
        'api --input') REPLY='file' ;;
        'api --paginate') REPLY='none' ;;
        'api --out') REPLY='file' ;;
        'api --page') REPLY='text' ;;
        'api --page-size') REPLY='text' ;;
        'api --limit') REPLY='text' ;;
        'api --all') REPLY='none' ;;
        'api --parallel') REPLY='text' ;;
        'watch booking --count') REPLY='text' ;;
        'watch booking --until') REPLY='text' ;;
        'watch booking --timeout') REPLY='text' ;;
        'watch booking --reconnect-attempts') REPLY='text' ;;
        'watch booking --reconnect-delay') REPLY='text' ;;
        'watch notifications --user') REPLY='text' ;;
        'watch notifications --count') REPLY='text' ;;
        'watch notifications --until') REPLY='text' ;;
        'watch notifications --timeout') REPLY='text' ;;
        'watch notifications --reconnect-attempts') REPLY='text' ;;
        'watch notifications --reconnect-delay') REPLY='text' ;;
        'watch chat --user') REPLY='text' ;;
        'watch chat --role') REPLY='choice customer vendor onboard_manager ops_manager super_admin' ;;
        'watch chat --count') REPLY='text' ;;
        'watch chat --until') REPLY='text' ;;
        'watch chat --timeout') REPLY='text' ;;
        'watch chat --reconnect-attempts') REPLY='text' ;;
        'watch chat --reconnect-delay') REPLY='text' ;;
        'watch chat --send') REPLY='payload' ;;
        'watch status --user') REPLY='text' ;;
        'watch status --role') REPLY='choice customer vendor onboard_manager ops_manager super_admin' ;;
        'watch status --count') REPLY='text' ;;
        'watch status --until') REPLY='text' ;;
        'watch status --timeout') REPLY='text' ;;
        'watch status --reconnect-attempts') REPLY='text' ;;
        'watch status --reconnect-delay') REPLY='text' ;;
        'smoke --as') REPLY='text' ;;
        'smoke --write') REPLY='none' ;;
        'smoke --ws') REPLY='none' ;;
        'smoke --junit') REPLY='file' ;;
        'smoke --pincode') REPLY='text' ;;
        *' --profile') REPLY='profile' ;;
        *' --url') REPLY='text' ;;
        *' --output'|*' -o') REPLY='choice table json ndjson csv tsv' ;;
        *' --fields') REPLY='text' ;;
        *' --jq') REPLY='text' ;;
        *' --sort-by') REPLY='text' ;;
        *' --no-headers') REPLY='none' ;;
        *' --wide') REPLY='none' ;;
        *' --timeout') REPLY='text' ;;
        *' --retries') REPLY='text' ;;
        *' --insecure') REPLY='none' ;;
        *' --cacert') REPLY='file' ;;
        *' --dry-run') REPLY='none' ;;
        *' --verbose'|*' -v') REPLY='none' ;;
        *' --quiet'|*' -q') REPLY='none' ;;
        *' --no-color') REPLY='none' ;;
        *' --help'|*' -h') REPLY='none' ;;
        *' --version') REPLY='none' ;;
        *) REPLY='' ;;
    esac
}

# How a command's positional argument completes, by index.
_homeserve_argument() {
    case "$1 $2" in
        'config get 0') REPLY='choice url ws_url output timezone username password_command' ;;
        'config set 0') REPLY='choice url ws_url output timezone username password_command' ;;
        'config unset 0') REPLY='choice url ws_url output timezone username password_command' ;;
        'photos upload 0') REPLY='file' ;;
        'admin notifications trigger 0') REPLY='choice send_booking_reminders check_business_alerts expire_signatures cleanup_old_logs' ;;
        'api 0') REPLY='choice GET POST PUT PATCH DELETE HEAD' ;;
        *) REPLY='' ;;
    esac
}

# Profile names from settings.json, found where homeserve looks: $HOMESERVE_CONFIG_DIR,
# else $XDG_CONFIG_HOME/homeserve, else ~/.config/homeserve.
_homeserve_profiles() {
    local dir=${HOMESERVE_CONFIG_DIR:-${XDG_CONFIG_HOME:+$XDG_CONFIG_HOME/homeserve}}
    dir=${dir:-$HOME/.config/homeserve}
    REPLY='default'
    [[ -r $dir/settings.json ]] || return 0
    REPLY+=" $(grep -o '"[^"]*"[[:space:]]*:[[:space:]]*{' "$dir/settings.json" 2>/dev/null |
        sed 's/^"\([^"]*\)".*/\1/' | grep -vxF -e profiles -e 'default' | tr '\n' ' ')"
}
# Adds the completions of one value kind (from _homeserve_value/_homeserve_argument) to COMPREPLY.
# $1 kind, $2 text to put before each candidate, $3 the partial value.
_homeserve_complete_value() {
    local f
    case $1 in
        choice\ *) COMPREPLY+=($(compgen -P "$2" -W "${1#choice }" -- "$3")) ;;
        profile) _homeserve_profiles; COMPREPLY+=($(compgen -P "$2" -W "$REPLY" -- "$3")) ;;
        file)
            compopt -o filenames 2>/dev/null
            while IFS= read -r f; do COMPREPLY+=("$2$f"); done < <(compgen -f -- "$3") ;;
        payload)
            # Inline JSON and - (stdin) have nothing to complete; @FILE does.
            [[ $3 == @* ]] || return 0
            while IFS= read -r f; do
                [[ -d $f ]] && f+=/
                COMPREPLY+=("$2@$f")
            done < <(compgen -f -- "${3#@}")
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null ;;
    esac
    return 0
}

_homeserve() {
    local words=() cword i w f last joined=0 REPLY
    # bash splits '--output=json' at '=' (COMP_WORDBREAKS); join it back into one word.
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        last=$((${#words[@]} - 1))
        if ((last > 0)) && [[ $w == = && ${words[last]} == --* && ${words[last]} != *=* ]]; then
            words[last]+==
            joined=1
        elif ((joined)); then
            words[last]+=$w
            joined=0
        else
            words+=("$w")
        fi
    done
    cword=$((${#words[@]} - 1))
    local cur=${words[cword]} cmdpath='' pending='' nargs=0 help=0 ended=0

    # Replay the parser over the finished words: flags (and their values) may come anywhere,
    # a word extends the command path until the command has a positional argument.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if ((!ended)) && [[ $w == -- ]]; then ended=1; continue; fi
        if ((!ended)) && [[ $w == -?* ]]; then
            [[ $w == --*=* ]] && continue
            if [[ $w == --* ]]; then f=$w; else f=${w:0:2}; fi
            _homeserve_value "$cmdpath" "$f"
            if [[ -n $REPLY && $REPLY != none ]] && [[ $w == --* || ${#w} -eq 2 ]]; then
                ((++i == cword)) && pending=$f
            fi
            continue
        fi
        if [[ -z $cmdpath ]] && ((!help && !nargs)) && [[ $w == help ]]; then help=1; continue; fi
        _homeserve_children "$cmdpath"
        if [[ " $REPLY " == *" $w "* ]] && { ((help)) || ! _homeserve_is_command "$cmdpath" || ((!ended && !nargs)); }; then
            cmdpath=${cmdpath:+$cmdpath }$w
            continue
        fi
        ((help)) || nargs=$((nargs + 1))
    done

    COMPREPLY=()
    if [[ -n $pending ]]; then
        _homeserve_value "$cmdpath" "$pending"
        _homeserve_complete_value "$REPLY" '' "$cur"
    elif ((!ended)) && [[ $cur == --*=* ]]; then
        _homeserve_value "$cmdpath" "${cur%%=*}"
        # Only when '=' is not a word break does the replaced word include '--flag='.
        local before=''
        [[ ${COMP_WORDS[COMP_CWORD]} == --*=* ]] && before=${cur%%=*}=
        _homeserve_complete_value "$REPLY" "$before" "${cur#*=}"
    elif ((!ended)) && [[ $cur == -* ]]; then
        local flags=''
        if ((!help)) && _homeserve_is_command "$cmdpath"; then _homeserve_flags "$cmdpath"; flags=$REPLY; fi
        _homeserve_global_flags
        COMPREPLY=($(compgen -W "$flags $REPLY" -- "$cur"))
    else
        local candidates=''
        if ((help)); then
            _homeserve_children "$cmdpath"; candidates=$REPLY
            if [[ -z $cmdpath ]]; then _homeserve_topics; candidates+=" $REPLY"; fi
        else
            if ! _homeserve_is_command "$cmdpath" || ((!ended && !nargs)); then
                _homeserve_children "$cmdpath"; candidates=$REPLY
            fi
            [[ -z $cmdpath ]] && candidates+=' help'
            if _homeserve_is_command "$cmdpath"; then
                _homeserve_argument "$cmdpath" "$nargs"
                _homeserve_complete_value "$REPLY" '' "$cur"
            fi
        fi
        COMPREPLY+=($(compgen -W "$candidates" -- "$cur"))
    fi
    return 0
}

complete -F _homeserve homeserve
