/// `#compdef homeserve`: the same `case` data as bash plus descriptions, offered with `compadd` (and
/// `_files` for paths), so it works from fpath and from `source <(homeserve completion zsh)`. It runs
/// under the options the completion system sets (`_comp_options`), which `_files` needs: no
/// `emulate -L zsh`, whose NO_NULL_GLOB made `_files` fail with "no matches found: *:globbed-files".
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
        """ + profiles + walker
    }

    /// The same scan as bash's: `$(<file)` reads without forking, the regex walks strings and braces.
    private var profiles: String {
        #"""

        # Profile names: 'default', and the keys of the "profiles" object of settings.json and of
        # credentials.json (a login with --profile writes only the latter), read where homeserve reads
        # them: $HOMESERVE_CONFIG_DIR, else $XDG_CONFIG_HOME/homeserve (an absolute one), else ~/.config/homeserve.
        _homeserve_profiles() {
            setopt localoptions nobashrematch norematchpcre
            local dir=${HOMESERVE_CONFIG_DIR-}
            [[ -z $dir && ${XDG_CONFIG_HOME-} == /* ]] && dir=$XDG_CONFIG_HOME/homeserve
            dir=${dir:-$HOME/.config/homeserve}
            REPLY=\#(ShellQuote.sh(model.defaultProfile))
            local file text key outer MATCH MBEGIN MEND
            local -a match mbegin mend
            local token='^[^"{}]*("(([^"\\]|\\.)*)"[[:space:]]*(:?)|[{}])'
            integer depth
            for file in $dir/settings.json $dir/credentials.json; do
                [[ -r $file ]] || continue
                key= outer= depth=0
                for text in "${(@f)$(<$file)}"; do
                    # Deeper in, only a brace can matter: the long token lines are skipped unread.
                    ((depth <= 2)) || [[ $text == *[{}]* ]] || continue
                    while [[ $text =~ $token ]]; do
                        text=${text:${#MATCH}}
                        case $match[1] in
                            '{') ((++depth == 2)) && outer=$key ;;
                            '}') ((depth--)) ;;
                            *)
                                [[ -n $match[4] ]] || continue
                                key=$match[2]
                                # Only names homeserve accepts.
                                if ((depth == 2)) && [[ $outer == profiles && -n $key && $key != *[^A-Za-z0-9._-]* && " $REPLY " != *" $key "* ]]; then
                                    REPLY+=" $key"
                                fi ;;
                        esac
                    done
                done
            done
        }

        """#
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
                    flag)
                        _homeserve_flag_help "$cmdpath" "$c"
                        [[ -z $REPLY && $c == --no-* ]] && REPLY="\#(CompletionModel.negationHelp("--${c#--no-}"))" ;;
                    topic) _homeserve_summary ":$c" ;;
                    *) _homeserve_summary "${cmdpath:+$cmdpath }$c" ;;
                esac
                displays+=("${(r:width:)c}  -- $REPLY")
            done
            (($#)) && compadd -l -d displays -- "$@"
        }

        # Offers the completions of one value kind (a record's tail from _homeserve_flag, or
        # _homeserve_argument).
        _homeserve_complete_value() {
            local w done
            local -a rest
            case $1 in
                choice\ *) compadd -- ${=${1#choice }} ;;
                list\ *)
                    # Several values, comma-separated: complete the last, offer only those not yet listed.
                    done=${PREFIX%"${PREFIX##*,}"}
                    compset -P '*,'
                    for w in ${=${1#list }}; do [[ ,$done == *",$w,"* ]] || rest+=($w); done
                    compadd -- $rest ;;
                profile) _homeserve_profiles; compadd -- ${=REPLY} ;;
                file) _files ;;
                # Inline JSON and - (stdin) have nothing to complete; @FILE does.
                payload) compset -P @ && _files ;;
            esac
        }

        _homeserve() {
            local cur=$PREFIX cmdpath= pending= given=' ' record kind w f REPLY
            local -a flags offered
            integer i nargs=0 help=0 ended=0

            # Replay the parser over the finished words: flags (and their values) may come anywhere,
            # a word extends the command path until the command has a positional argument.
            for ((i = 2; i < CURRENT; i++)); do
                w=${words[i]}
                if ((!ended)) && [[ $w == -- ]]; then ended=1; continue; fi
                if ((!ended)) && [[ $w == -?* ]]; then
                    f=${w%%=*}
                    [[ $w == --* ]] || f=${w[1,2]}
                    _homeserve_flag "$cmdpath" "$f"
                    if [[ -z $REPLY && $f == --no-?* ]]; then
                        _homeserve_flag "$cmdpath" "--${f#--no-}"
                        [[ $REPLY == *' switch' ]] || REPLY=
                    fi
                    [[ -n $REPLY ]] || continue
                    record=${REPLY#* }
                    # Given before the command, a flag is the global one: the command's own of that name is still to come.
                    if [[ $record == once\ * ]]; then
                        _homeserve_is_command "$cmdpath" && given+="${REPLY%% *} " || given+="^${REPLY%% *} "
                    fi
                    kind=${record#* }
                    if [[ $kind != none && $kind != switch && $w != *=* ]] && [[ $w == --* || ${#w} -eq 2 ]]; then
                        ((++i == CURRENT)) && pending=$kind
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
                _homeserve_complete_value "$pending"
            elif ((!ended)) && [[ $cur == --*=* ]]; then
                _homeserve_flag "$cmdpath" "${cur%%=*}"
                if [[ -n $REPLY ]]; then
                    IPREFIX+="${cur%%=*}="
                    PREFIX=${cur#*=}
                    _homeserve_complete_value "${REPLY#* * }"
                fi
            elif ((!ended)) && [[ $cur == -* ]]; then
                if ((!help)) && _homeserve_is_command "$cmdpath"; then _homeserve_flags "$cmdpath"; flags=(${=REPLY}); fi
                local own=" ${flags[*]} "
                _homeserve_global_flags
                flags+=(${=REPLY})
                # A flag given once is not offered again, in either spelling (--wide, --no-wide); a command's
                # own flag of a global one's name (--timeout) is, after the command, when the global came before.
                for f in ${(u)flags}; do
                    [[ $given == *" $f "* ]] && continue
                    [[ $own != *" $f "* && $given == *" ^$f "* ]] && continue
                    offered+=($f)
                done
                if [[ $cur == --no-* ]]; then
                    for f in ${(u)flags}; do
                        [[ $given == *" $f "* || $given == *" ^$f "* ]] && continue
                        _homeserve_flag "$cmdpath" "$f"
                        [[ $REPLY == *' switch' ]] && offered+=(--no-${f#--})
                    done
                fi
                _homeserve_describe flag "$cmdpath" $offered
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
