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
        """ + profiles + walker
    }

    /// Profile names without a subprocess: the files are read line by line with `read` and scanned token
    /// by token (strings, braces), so nested objects such as a stored session's user are never taken for
    /// profiles.
    private var profiles: String {
        #"""

        # Profile names: 'default', and the keys of the "profiles" object of settings.json and of
        # credentials.json (a login with --profile writes only the latter), read where homeserve reads
        # them: $HOMESERVE_CONFIG_DIR, else $XDG_CONFIG_HOME/homeserve (an absolute one), else ~/.config/homeserve.
        _homeserve_profiles() {
            local dir=${HOMESERVE_CONFIG_DIR-}
            [[ -z $dir && ${XDG_CONFIG_HOME-} == /* ]] && dir=$XDG_CONFIG_HOME/homeserve
            dir=${dir:-${HOME-}/.config/homeserve}
            REPLY=\#(ShellQuote.sh(model.defaultProfile))
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

        """#
    }

    private var walker: String {
        #"""
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

        """#
    }
}
