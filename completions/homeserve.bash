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
        'auth otp verify') REPLY='--email --phone --vendor --otp-stdin' ;;
        'auth status') REPLY='--offline' ;;
        'services list') REPLY='--category --page --page-size --limit --all --parallel' ;;
        'services categories') REPLY='--parallel' ;;
        'bookings list') REPLY='--status --pincode --from --to --customer --vendor --page --page-size --limit --all --parallel' ;;
        'bookings create') REPLY='--service --pincode --date --notes --price' ;;
        'bookings update') REPLY='--notes --vendor-notes --date --status --set' ;;
        'bookings wait') REPLY='--status --timeout --poll --reconnect-attempts --reconnect-delay' ;;
        'pricing quote') REPLY='--service --pincode --at' ;;
        'pricing predict') REPLY='--service --pincode --days' ;;
        'scheduling slots') REPLY='--vendor --service --pincode --date' ;;
        'scheduling suggest') REPLY='--vendor --service --pincode --date' ;;
        'scheduling optimize') REPLY='--date --vendor' ;;
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
        'api') REPLY='--field --raw-field --header --input --paginate --include --out --page --page-size --limit --all --parallel' ;;
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

# A flag as the walker needs it: its long name, 'many' if it may be given again or 'once', then how
# its value completes: none (a switch), switch (a switch with a --no- form), choice WORDS..., list
# WORDS... (comma-separated), file, payload, profile or text. Empty for an unknown flag.
_homeserve_flag() {
    case "$1 $2" in
        'auth login --username') REPLY='--username once text' ;;
        'auth login --password-stdin') REPLY='--password-stdin once switch' ;;
        'auth otp send --email') REPLY='--email once text' ;;
        'auth otp send --phone') REPLY='--phone once text' ;;
        'auth otp send --vendor') REPLY='--vendor once switch' ;;
        'auth otp verify --email') REPLY='--email once text' ;;
        'auth otp verify --phone') REPLY='--phone once text' ;;
        'auth otp verify --vendor') REPLY='--vendor once switch' ;;
        'auth otp verify --otp-stdin') REPLY='--otp-stdin once switch' ;;
        'auth status --offline') REPLY='--offline once switch' ;;
        'services list --category') REPLY='--category once text' ;;
        'services list --page') REPLY='--page once text' ;;
        'services list --page-size') REPLY='--page-size once text' ;;
        'services list --limit') REPLY='--limit once text' ;;
        'services list --all') REPLY='--all once switch' ;;
        'services list --parallel') REPLY='--parallel once text' ;;
        'services categories --parallel') REPLY='--parallel once text' ;;
        'bookings list --status') REPLY='--status many list pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings list --pincode') REPLY='--pincode once text' ;;
        'bookings list --from') REPLY='--from once text' ;;
        'bookings list --to') REPLY='--to once text' ;;
        'bookings list --customer') REPLY='--customer once text' ;;
        'bookings list --vendor') REPLY='--vendor once text' ;;
        'bookings list --page') REPLY='--page once text' ;;
        'bookings list --page-size') REPLY='--page-size once text' ;;
        'bookings list --limit') REPLY='--limit once text' ;;
        'bookings list --all') REPLY='--all once switch' ;;
        'bookings list --parallel') REPLY='--parallel once text' ;;
        'bookings create --service') REPLY='--service once text' ;;
        'bookings create --pincode') REPLY='--pincode once text' ;;
        'bookings create --date') REPLY='--date once text' ;;
        'bookings create --notes') REPLY='--notes once text' ;;
        'bookings create --price') REPLY='--price once text' ;;
        'bookings update --notes') REPLY='--notes once text' ;;
        'bookings update --vendor-notes') REPLY='--vendor-notes once text' ;;
        'bookings update --date') REPLY='--date once text' ;;
        'bookings update --status') REPLY='--status once choice pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings update --set') REPLY='--set many text' ;;
        'bookings wait --status') REPLY='--status once choice pending confirmed in_progress completed signed cancelled disputed' ;;
        'bookings wait --timeout') REPLY='--timeout once text' ;;
        'bookings wait --poll') REPLY='--poll once text' ;;
        'bookings wait --reconnect-attempts') REPLY='--reconnect-attempts once text' ;;
        'bookings wait --reconnect-delay') REPLY='--reconnect-delay once text' ;;
        'pricing quote --service') REPLY='--service once text' ;;
        'pricing quote --pincode') REPLY='--pincode once text' ;;
        'pricing quote --at') REPLY='--at once text' ;;
        'pricing predict --service') REPLY='--service once text' ;;
        'pricing predict --pincode') REPLY='--pincode once text' ;;
        'pricing predict --days') REPLY='--days once text' ;;
        'scheduling slots --vendor') REPLY='--vendor once text' ;;
        'scheduling slots --service') REPLY='--service once text' ;;
        'scheduling slots --pincode') REPLY='--pincode once text' ;;
        'scheduling slots --date') REPLY='--date once text' ;;
        'scheduling suggest --vendor') REPLY='--vendor once text' ;;
        'scheduling suggest --service') REPLY='--service once text' ;;
        'scheduling suggest --pincode') REPLY='--pincode once text' ;;
        'scheduling suggest --date') REPLY='--date once text' ;;
        'scheduling optimize --date') REPLY='--date once text' ;;
        'scheduling optimize --vendor') REPLY='--vendor once text' ;;
        'vendors search --pincode') REPLY='--pincode once text' ;;
        'vendors search --service') REPLY='--service once text' ;;
        'signatures list --page') REPLY='--page once text' ;;
        'signatures list --page-size') REPLY='--page-size once text' ;;
        'signatures list --limit') REPLY='--limit once text' ;;
        'signatures list --all') REPLY='--all once switch' ;;
        'signatures list --parallel') REPLY='--parallel once text' ;;
        'signatures sign --rating') REPLY='--rating once text' ;;
        'signatures sign --comments') REPLY='--comments once text' ;;
        'signatures request --booking') REPLY='--booking once text' ;;
        'signatures request --photo') REPLY='--photo many text' ;;
        'signatures reject --reason') REPLY='--reason once text' ;;
        'signatures reject --evidence') REPLY='--evidence once payload' ;;
        'photos list --booking') REPLY='--booking once text' ;;
        'photos list --page') REPLY='--page once text' ;;
        'photos list --page-size') REPLY='--page-size once text' ;;
        'photos list --limit') REPLY='--limit once text' ;;
        'photos list --all') REPLY='--all once switch' ;;
        'photos list --parallel') REPLY='--parallel once text' ;;
        'photos upload --booking') REPLY='--booking once text' ;;
        'photos upload --type') REPLY='--type once choice before after additional' ;;
        'photos upload --description') REPLY='--description once text' ;;
        'disputes list --status') REPLY='--status many list open in_progress resolved escalated closed' ;;
        'disputes list --booking') REPLY='--booking once text' ;;
        'disputes list --type') REPLY='--type once choice quality incomplete_work damage billing no_show behavior other' ;;
        'disputes list --page') REPLY='--page once text' ;;
        'disputes list --page-size') REPLY='--page-size once text' ;;
        'disputes list --limit') REPLY='--limit once text' ;;
        'disputes list --all') REPLY='--all once switch' ;;
        'disputes list --parallel') REPLY='--parallel once text' ;;
        'disputes create --booking') REPLY='--booking once text' ;;
        'disputes create --type') REPLY='--type once choice quality incomplete_work damage billing no_show behavior other' ;;
        'disputes create --title') REPLY='--title once text' ;;
        'disputes create --description') REPLY='--description once text' ;;
        'disputes create --evidence') REPLY='--evidence once payload' ;;
        'disputes messages --page') REPLY='--page once text' ;;
        'disputes messages --page-size') REPLY='--page-size once text' ;;
        'disputes messages --limit') REPLY='--limit once text' ;;
        'disputes messages --all') REPLY='--all once switch' ;;
        'disputes messages --parallel') REPLY='--parallel once text' ;;
        'disputes send --message') REPLY='--message once text' ;;
        'disputes send --message-file') REPLY='--message-file once file' ;;
        'disputes send --attachment') REPLY='--attachment once file' ;;
        'disputes resolve --notes') REPLY='--notes once text' ;;
        'disputes resolve --amount') REPLY='--amount once text' ;;
        'disputes resolve --evidence') REPLY='--evidence once payload' ;;
        'admin cache clear --type') REPLY='--type once choice all pricing vendor_search services' ;;
        'admin pincodes --service-type') REPLY='--service-type once text' ;;
        'admin pincodes --days-back') REPLY='--days-back once text' ;;
        'admin analytics pincode --pincode') REPLY='--pincode once text' ;;
        'admin analytics pincode --from') REPLY='--from once text' ;;
        'admin analytics pincode --to') REPLY='--to once text' ;;
        'admin analytics pincode --page') REPLY='--page once text' ;;
        'admin analytics pincode --page-size') REPLY='--page-size once text' ;;
        'admin analytics pincode --limit') REPLY='--limit once text' ;;
        'admin analytics pincode --all') REPLY='--all once switch' ;;
        'admin analytics pincode --parallel') REPLY='--parallel once text' ;;
        'admin history --model') REPLY='--model once text' ;;
        'admin history --user') REPLY='--user once text' ;;
        'admin history --action') REPLY='--action once choice create update delete' ;;
        'admin history --from') REPLY='--from once text' ;;
        'admin history --to') REPLY='--to once text' ;;
        'admin history --page') REPLY='--page once text' ;;
        'admin history --page-size') REPLY='--page-size once text' ;;
        'admin history --limit') REPLY='--limit once text' ;;
        'admin history --all') REPLY='--all once switch' ;;
        'admin history --parallel') REPLY='--parallel once text' ;;
        'admin history export --model') REPLY='--model once text' ;;
        'admin history export --user') REPLY='--user once text' ;;
        'admin history export --action') REPLY='--action once choice create update delete' ;;
        'admin history export --from') REPLY='--from once text' ;;
        'admin history export --to') REPLY='--to once text' ;;
        'admin history export --out') REPLY='--out once file' ;;
        'admin notifications logs --type') REPLY='--type once choice booking_reminder booking_created booking_confirmed signature_request dispute_opened' ;;
        'admin notifications logs --method') REPLY='--method once choice email sms websocket' ;;
        'admin notifications logs --status') REPLY='--status once choice pending sent delivered failed' ;;
        'admin notifications logs --recipient') REPLY='--recipient once text' ;;
        'admin notifications logs --from') REPLY='--from once text' ;;
        'admin notifications logs --to') REPLY='--to once text' ;;
        'admin notifications logs --page') REPLY='--page once text' ;;
        'admin notifications logs --page-size') REPLY='--page-size once text' ;;
        'admin notifications logs --limit') REPLY='--limit once text' ;;
        'admin notifications logs --all') REPLY='--all once switch' ;;
        'admin notifications logs --parallel') REPLY='--parallel once text' ;;
        'admin alerts --type') REPLY='--type once choice unassigned_booking high_demand no_vendor_coverage stale_dispute' ;;
        'admin alerts --severity') REPLY='--severity once choice low medium high critical' ;;
        'admin alerts --status') REPLY='--status once choice active acknowledged resolved ignored' ;;
        'admin alerts --page') REPLY='--page once text' ;;
        'admin alerts --page-size') REPLY='--page-size once text' ;;
        'admin alerts --limit') REPLY='--limit once text' ;;
        'admin alerts --all') REPLY='--all once switch' ;;
        'admin alerts --parallel') REPLY='--parallel once text' ;;
        'ai pincode --pincode') REPLY='--pincode once text' ;;
        'ai pincode --days') REPLY='--days once text' ;;
        'ai vendor-bonus --vendor') REPLY='--vendor once text' ;;
        'ai vendor-bonus --days') REPLY='--days once text' ;;
        'api --field'|'api -F') REPLY='--field many text' ;;
        'api --raw-field'|'api -f') REPLY='--raw-field many text' ;;
        'api --header'|'api -H') REPLY='--header many text' ;;
        'api --input') REPLY='--input once file' ;;
        'api --paginate') REPLY='--paginate once switch' ;;
        'api --include'|'api -i') REPLY='--include once switch' ;;
        'api --out') REPLY='--out once file' ;;
        'api --page') REPLY='--page once text' ;;
        'api --page-size') REPLY='--page-size once text' ;;
        'api --limit') REPLY='--limit once text' ;;
        'api --all') REPLY='--all once switch' ;;
        'api --parallel') REPLY='--parallel once text' ;;
        'watch booking --count') REPLY='--count once text' ;;
        'watch booking --until') REPLY='--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed' ;;
        'watch booking --timeout') REPLY='--timeout once text' ;;
        'watch booking --reconnect-attempts') REPLY='--reconnect-attempts once text' ;;
        'watch booking --reconnect-delay') REPLY='--reconnect-delay once text' ;;
        'watch notifications --user') REPLY='--user once text' ;;
        'watch notifications --count') REPLY='--count once text' ;;
        'watch notifications --until') REPLY='--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed' ;;
        'watch notifications --timeout') REPLY='--timeout once text' ;;
        'watch notifications --reconnect-attempts') REPLY='--reconnect-attempts once text' ;;
        'watch notifications --reconnect-delay') REPLY='--reconnect-delay once text' ;;
        'watch chat --user') REPLY='--user once text' ;;
        'watch chat --role') REPLY='--role once choice customer vendor onboard_manager ops_manager super_admin' ;;
        'watch chat --count') REPLY='--count once text' ;;
        'watch chat --until') REPLY='--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed' ;;
        'watch chat --timeout') REPLY='--timeout once text' ;;
        'watch chat --reconnect-attempts') REPLY='--reconnect-attempts once text' ;;
        'watch chat --reconnect-delay') REPLY='--reconnect-delay once text' ;;
        'watch chat --send') REPLY='--send once payload' ;;
        'watch status --user') REPLY='--user once text' ;;
        'watch status --role') REPLY='--role once choice customer vendor onboard_manager ops_manager super_admin' ;;
        'watch status --count') REPLY='--count once text' ;;
        'watch status --until') REPLY='--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed' ;;
        'watch status --timeout') REPLY='--timeout once text' ;;
        'watch status --reconnect-attempts') REPLY='--reconnect-attempts once text' ;;
        'watch status --reconnect-delay') REPLY='--reconnect-delay once text' ;;
        'smoke --as') REPLY='--as many text' ;;
        'smoke --write') REPLY='--write once switch' ;;
        'smoke --ws') REPLY='--ws once switch' ;;
        'smoke --junit') REPLY='--junit once file' ;;
        'smoke --pincode') REPLY='--pincode once text' ;;
        *' --profile') REPLY='--profile once profile' ;;
        *' --url') REPLY='--url once text' ;;
        *' --output'|*' -o') REPLY='--output once choice table json ndjson csv tsv' ;;
        *' --fields') REPLY='--fields once text' ;;
        *' --jq') REPLY='--jq once text' ;;
        *' --sort-by') REPLY='--sort-by once text' ;;
        *' --no-headers') REPLY='--no-headers once none' ;;
        *' --wide') REPLY='--wide once switch' ;;
        *' --timeout') REPLY='--timeout once text' ;;
        *' --retries') REPLY='--retries once text' ;;
        *' --insecure') REPLY='--insecure once switch' ;;
        *' --cacert') REPLY='--cacert once file' ;;
        *' --dry-run') REPLY='--dry-run once switch' ;;
        *' --verbose'|*' -v') REPLY='--verbose once switch' ;;
        *' --quiet'|*' -q') REPLY='--quiet once switch' ;;
        *' --no-color') REPLY='--no-color once none' ;;
        *' --help'|*' -h') REPLY='--help once none' ;;
        *' --version') REPLY='--version once none' ;;
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

# Profile names: 'default', and the keys of the "profiles" object of settings.json and of
# credentials.json (a login with --profile writes only the latter), read where homeserve reads
# them: $HOMESERVE_CONFIG_DIR, else $XDG_CONFIG_HOME/homeserve (an absolute one), else ~/.config/homeserve.
_homeserve_profiles() {
    local dir=${HOMESERVE_CONFIG_DIR-}
    [[ -z $dir && ${XDG_CONFIG_HOME-} == /* ]] && dir=$XDG_CONFIG_HOME/homeserve
    dir=${dir:-${HOME-}/.config/homeserve}
    REPLY='default'
    local file text key outer depth
    local token='^[^"{}]*("(([^"\\]|\\.)*)"[[:space:]]*(:?)|[{}])'
    for file in "$dir/settings.json" "$dir/credentials.json"; do
        [[ -r $file ]] || continue
        key='' outer='' depth=0
        while IFS= read -r text || [[ -n $text ]]; do
            # Deeper in, only a brace can matter: the long token lines are skipped unread.
            ((depth <= 2)) || [[ $text == *[{}]* ]] || continue
            while [[ $text =~ $token ]]; do
                text=${text:${#BASH_REMATCH[0]}}
                case ${BASH_REMATCH[1]} in
                    '{') ((++depth == 2)) && outer=$key ;;
                    '}') ((depth--)) ;;
                    *)
                        [[ -n ${BASH_REMATCH[4]} ]] || continue
                        key=${BASH_REMATCH[2]}
                        # Only names homeserve accepts, which are also safe to offer as words.
                        if ((depth == 2)) && [[ $outer == profiles && $key =~ ^[A-Za-z0-9._-]+$ && " $REPLY " != *" $key "* ]]; then
                            REPLY+=" $key"
                        fi ;;
                esac
            done
        done < "$file"
    done
}
# Adds to COMPREPLY each word of $1 that starts with $3, with $2 before it.
_homeserve_add() {
    local w
    for w in $1; do [[ $w == "$3"* ]] && COMPREPLY+=("$2$w"); done
    return 0
}

# Adds the paths that start with $2 (as typed: its quotes and backslashes are read as the shell reads
# them), with $1 before each. With $3 (where readline does not see file names: '@FILE'), directories
# end in '/' and names are quoted here; otherwise readline marks and quotes them itself. A glob rather
# than 'compgen -f', which would need a subshell.
_homeserve_add_files() {
    local typed=$2 shown='' path f d q i nullglob=1 failglob=0
    if [[ $typed == \'* ]]; then
        # Within single quotes a backslash is itself.
        shown=${typed:1}
    else
        [[ $typed == \"* ]] && typed=${typed:1}
        for ((i = 0; i < ${#typed}; i++)); do
            [[ ${typed:i:1} == \\ ]] && i=$((i + 1))
            shown+=${typed:i:1}
        done
    fi
    path=$shown
    [[ $path == \~/* ]] && path=${HOME-}/${path#\~/}
    shopt -q nullglob || { nullglob=0; shopt -s nullglob; }
    shopt -q failglob && { failglob=1; shopt -u failglob; }
    for f in "$path"*; do
        d=''
        [[ -d $f ]] && d=/
        f=$shown${f:${#path}}
        if [[ -n ${3-} ]]; then
            f+=$d
            if [[ $f == \~/* ]]; then printf -v q '%q' "${f#\~/}"; f="~/$q"; else printf -v q '%q' "$f"; f=$q; fi
        fi
        COMPREPLY+=("$1$f")
    done
    ((nullglob)) || shopt -u nullglob
    ((failglob)) && shopt -s failglob
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
    return 0
}

# Adds the completions of one value kind (a record's tail from _homeserve_flag, or
# _homeserve_argument). $1 kind, $2 text to put before each candidate, $3 the partial value.
_homeserve_complete_value() {
    local w done
    case $1 in
        choice\ *) _homeserve_add "${1#choice }" "$2" "$3" ;;
        list\ *)
            # Several values, comma-separated: complete the last, offer only those not yet listed.
            done=${3%"${3##*,}"}
            for w in ${1#list }; do
                [[ ,$done == *",$w,"* ]] || _homeserve_add "$w" "$2$done" "${3##*,}"
            done ;;
        profile) _homeserve_profiles; _homeserve_add "$REPLY" "$2" "$3" ;;
        file) compopt -o filenames 2>/dev/null; _homeserve_add_files "$2" "$3" ;;
        # Inline JSON and - (stdin) have nothing to complete; @FILE does. Not as file names, which
        # readline would quote: '\@'.
        payload) [[ $3 == @* ]] && _homeserve_add_files "$2@" "${3#@}" mark ;;
    esac
    return 0
}

_homeserve() {
    local words=() cword i w f rest trimmed REPLY
    # bash also splits at COMP_WORDBREAKS ('--output=json' is three words, '@file' two): join the
    # words that touch in the line back into the words the parser will see.
    rest=${COMP_LINE:0:COMP_POINT}
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        trimmed=${rest#"${rest%%[![:space:]]*}"}
        if ((i > 0)) && [[ $trimmed == "$rest" ]]; then
            words[${#words[@]} - 1]+=$w
        else
            words+=("$w")
        fi
        rest=${trimmed#"$w"}
    done
    cword=$((${#words[@]} - 1))
    local cur=${words[cword]} cmdpath='' pending='' given=' ' record kind nargs=0 help=0 ended=0

    # Replay the parser over the finished words: flags (and their values) may come anywhere,
    # a word extends the command path until the command has a positional argument.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if ((!ended)) && [[ $w == -- ]]; then ended=1; continue; fi
        if ((!ended)) && [[ $w == -?* ]]; then
            f=${w%%=*}
            [[ $w == --* ]] || f=${w:0:2}
            _homeserve_flag "$cmdpath" "$f"
            if [[ -z $REPLY && $f == --no-?* ]]; then
                _homeserve_flag "$cmdpath" "--${f#--no-}"
                [[ $REPLY == *' switch' ]] || REPLY=''
            fi
            [[ -n $REPLY ]] || continue
            record=${REPLY#* }
            # Given before the command, a flag is the global one: the command's own of that name is still to come.
            if [[ $record == once\ * ]]; then
                _homeserve_is_command "$cmdpath" && given+="${REPLY%% *} " || given+="^${REPLY%% *} "
            fi
            kind=${record#* }
            if [[ $kind != none && $kind != switch && $w != *=* ]] && [[ $w == --* || ${#w} -eq 2 ]]; then
                ((++i == cword)) && pending=$kind
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
        _homeserve_complete_value "$pending" '' "$cur"
    elif ((!ended)) && [[ $cur == --*=* ]]; then
        _homeserve_flag "$cmdpath" "${cur%%=*}"
        [[ -n $REPLY ]] && _homeserve_complete_value "${REPLY#* * }" "${cur%%=*}=" "${cur#*=}"
    elif ((!ended)) && [[ $cur == -* ]]; then
        local flags='' globals
        if ((!help)) && _homeserve_is_command "$cmdpath"; then _homeserve_flags "$cmdpath"; flags=$REPLY; fi
        _homeserve_global_flags
        globals=$REPLY
        # A flag given once is not offered again, in either spelling (--wide, --no-wide); one a command
        # declares under a global flag's name (--timeout) is offered once, and after the command even
        # when the global one came before it.
        local offered=' '
        for f in $flags $globals; do
            [[ $given == *" $f "* || $offered == *" $f "* ]] && continue
            [[ " $globals " == *" $f "* && " $flags " != *" $f "* && $given == *" ^$f "* ]] && continue
            offered+="$f "
            _homeserve_add "$f" '' "$cur"
        done
        if [[ $cur == --no-* ]]; then
            for f in $flags $globals; do
                [[ $given == *" $f "* || $given == *" ^$f "* ]] && continue
                _homeserve_flag "$cmdpath" "$f"
                [[ $REPLY == *' switch' ]] && _homeserve_add "--no-${f#--}" '' "$cur"
            done
        fi
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
        _homeserve_add "$candidates" '' "$cur"
    fi

    # Candidates complete the joined word; readline replaces only what follows its last word break
    # (nothing in '--output='), keeping a '@' or '$' before it (bash's special prefixes).
    rest=${COMP_LINE:0:COMP_POINT}
    w=${rest##*["$COMP_WORDBREAKS"]}
    rest=${rest%"$w"}
    [[ $rest == *[@\$] ]] && w=${rest: -1}$w
    local head=${cur%"$w"}
    if [[ -n $head ]]; then
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$head"}; done
    fi
    return 0
}

complete -F _homeserve homeserve
