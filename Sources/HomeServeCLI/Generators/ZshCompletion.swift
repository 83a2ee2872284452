/// `#compdef homeserve`: the same `case` data as bash plus descriptions, offered with plain `compadd`
/// (and `_files` for paths), so it works from fpath, from `source <(homeserve completion zsh)`, and
/// under a stub that captures what would be offered.
struct ZshCompletion {
    let model: CompletionModel

    var script: String {
        let data = ShellCaseData(model: model)
        return """
        #compdef homeserve
        \(model.header(.zsh))
        #
        # Install: copy to a directory in $fpath as _homeserve (e.g. /usr/local/share/zsh/site-functions)
        # and run compinit, or add to ~/.zshrc after compinit:
        #   source <(homeserve completion zsh)

        \(data.all)
        \(data.summaries)
        \(data.flagHelp)
        \(data.profiles)
        """ + walker
    }

    private var walker: String {
        #"""
        # Offers candidates with their descriptions. $1 'flag', 'topic' or 'word'; $2 the command path.
        _homeserve_describe() {
            local kind=$1 cmdpath=$2 c
            shift 2
            local -a displays
            integer width=0
            for c; do ((${#c} > width)) && width=${#c}; done
            for c; do
                case $kind in
                    flag) _homeserve_flag_help "$cmdpath" "$c" ;;
                    topic) _homeserve_summary ":$c" ;;
                    *) _homeserve_summary "${cmdpath:+$cmdpath }$c" ;;
                esac
                displays+=("${(r:width:)c}  -- $REPLY")
            done
            (($#)) && compadd -l -d displays -- "$@"
        }

        # Offers the completions of one value kind (from _homeserve_value/_homeserve_argument).
        _homeserve_complete_value() {
            case $1 in
                choice\ *) compadd -- ${=${1#choice }} ;;
                profile) _homeserve_profiles; compadd -- ${=REPLY} ;;
                file) _files ;;
                payload)
                    # Inline JSON and - (stdin) have nothing to complete; @FILE does.
                    [[ $PREFIX == @* ]] || return 0
                    IPREFIX+=@
                    PREFIX=${PREFIX#@}
                    _files ;;
            esac
        }

        _homeserve() {
            emulate -L zsh
            local cur=$PREFIX cmdpath= pending= w f REPLY
            integer i nargs=0 help=0 ended=0

            # Replay the parser over the finished words: flags (and their values) may come anywhere,
            # a word extends the command path until the command has a positional argument.
            for ((i = 2; i < CURRENT; i++)); do
                w=${words[i]}
                if ((!ended)) && [[ $w == -- ]]; then ended=1; continue; fi
                if ((!ended)) && [[ $w == -?* ]]; then
                    [[ $w == --*=* ]] && continue
                    if [[ $w == --* ]]; then f=$w; else f=${w[1,2]}; fi
                    _homeserve_value "$cmdpath" "$f"
                    if [[ -n $REPLY && $REPLY != none ]] && [[ $w == --* || ${#w} -eq 2 ]]; then
                        ((++i == CURRENT)) && pending=$f
                    fi
                    continue
                fi
                if [[ -z $cmdpath ]] && ((!help && !nargs)) && [[ $w == help ]]; then help=1; continue; fi
                _homeserve_children "$cmdpath"
                if [[ " $REPLY " == *" $w "* ]] && { ((help)) || ! _homeserve_is_command "$cmdpath" || ((!ended && !nargs)); }; then
                    cmdpath=${cmdpath:+$cmdpath }$w
                    continue
                fi
                ((help)) || nargs+=1
            done

            if [[ -n $pending ]]; then
                _homeserve_value "$cmdpath" "$pending"
                _homeserve_complete_value "$REPLY"
            elif ((!ended)) && [[ $cur == --*=* ]]; then
                _homeserve_value "$cmdpath" "${cur%%=*}"
                IPREFIX+="${cur%%=*}="
                PREFIX=${cur#*=}
                _homeserve_complete_value "$REPLY"
            elif ((!ended)) && [[ $cur == -* ]]; then
                local -a flags
                if ((!help)) && _homeserve_is_command "$cmdpath"; then _homeserve_flags "$cmdpath"; flags=(${=REPLY}); fi
                _homeserve_global_flags
                flags+=(${=REPLY})
                _homeserve_describe flag "$cmdpath" $flags
            elif ((help)); then
                _homeserve_children "$cmdpath"
                _homeserve_describe word "$cmdpath" ${=REPLY}
                if [[ -z $cmdpath ]]; then _homeserve_topics; _homeserve_describe topic '' ${=REPLY}; fi
            else
                if ! _homeserve_is_command "$cmdpath" || ((!ended && !nargs)); then
                    _homeserve_children "$cmdpath"
                    _homeserve_describe word "$cmdpath" ${=REPLY}
                fi
                [[ -z $cmdpath ]] && _homeserve_describe word '' help
                if _homeserve_is_command "$cmdpath"; then
                    _homeserve_argument "$cmdpath" "$nargs"
                    _homeserve_complete_value "$REPLY"
                fi
            fi
            return 0
        }

        # Loaded from fpath by compinit, this file is the body of _homeserve; sourced, it registers itself.
        if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
            _homeserve "$@"
        else
            compdef _homeserve homeserve
        fi

        """#
    }
}
