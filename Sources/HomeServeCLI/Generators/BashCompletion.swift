/// `complete -F _homeserve homeserve`: the table as `case` data plus one walker over COMP_WORDS.
struct BashCompletion {
    let model: CompletionModel

    var script: String {
        let data = ShellCaseData(model: model)
        return """
        \(model.header(.bash))
        #
        # Install: copy to ~/.local/share/bash-completion/completions/homeserve
        # (or $(pkg-config --variable=completionsdir bash-completion)), or add to ~/.bashrc:
        #   source <(homeserve completion bash)

        \(data.all)
        \(data.profiles)
        """ + walker
    }

    private var walker: String {
        #"""
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

        """#
    }
}
