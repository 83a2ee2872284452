#!/usr/bin/env zsh -f
# Completes command lines in a real interactive zsh, driven through a pseudo-terminal (zsh/zpty), the
# way a user does: compinit loads completions/_homeserve from $fpath, each line is typed and followed
# by a Tab, and what the completion system offered is reported.
#
#   zsh -f Tests/Fixtures/zsh-complete.zsh COMPLETIONS_DIR WORK_DIR LINE...
#
# For each LINE it prints a block:
#   line:LINE
#   buffer:the edit buffer after the Tab (what zsh inserted)
#   offer:one line per candidate, as it would be inserted (ignored prefix, prefix, match)
#   error:one line per line the completion printed on stderr
# Candidates are read by wrapping compadd: every call that adds matches is first made with -A, which
# applies the real matching rules without adding anything, then made as given. File names are shown
# as zsh inserts them: directories with a slash.
emulate -L zsh
zmodload zsh/zpty zsh/datetime zsh/zselect || exit 3
completions=$1 work=$2
shift 2
[[ -d $completions && -d $work ]] || { print -u2 "usage: $0 COMPLETIONS_DIR WORK_DIR LINE..."; exit 2; }

: >$work/stderr
cat >$work/init.zsh <<EOF
PS1='%% ' PS2='' RPS1=''
unsetopt beep
exec 2>>${(q)work}/stderr
fpath=(${(q)completions} \$fpath)
autoload -U compinit && compinit -u -D
typeset -gaU hs_offers
compadd() {
    local a hidden= shown= suffix=
    local -a hits
    integer i=1 files=0
    # Calls that only compute (-O, -A, -D put matches in an array) are not offers.
    while ((i <= \$#)); do
        a=\${@[i]}
        case \$a in
            --) break ;;
            -[OAD]*) builtin compadd "\$@"; return ;;
            -P) shown=\${@[i+1]}; ((i++)) ;;
            -P*) shown=\${a#-P} ;;
            -p) hidden=\${@[i+1]}; ((i++)) ;;
            -p*) hidden=\${a#-p} ;;
            -s) suffix=\${@[i+1]}; ((i++)) ;;
            -s*) suffix=\${a#-s} ;;
            -[SiIWdJVXxrRMFE]) ((i++)) ;;
            -[SiIWdJVXxrRMFE]*) ;;
            # -f: file names, shown with a slash when they are directories.
            -*f*) files=1 ;;
        esac
        ((i++))
    done
    builtin compadd -A hits "\$@"
    for a in \$hits; do
        a=\$shown\$hidden\$a\$suffix
        ((files)) && [[ -d \$a ]] && a+=/
        hs_offers+=("\$IPREFIX\$a")
    done
    builtin compadd "\$@"
}
hs-complete() {
    hs_offers=()
    zle complete-word
    print -rl -- "buffer:\$BUFFER" "offer:"\${^hs_offers} >${(q)work}/result
    BUFFER=
    zle -M "HS-DONE-\$((++hs_done))"
}
integer hs_done=0
zle -N hs-complete
bindkey '^I' hs-complete
print -r -- "HS-\${:-READY}"
EOF

# Reads the terminal until $1 appears; fails after 20 seconds.
await() {
    local chunk seen=
    local deadline=$((EPOCHREALTIME + 20))
    while ((EPOCHREALTIME < deadline)); do
        if zpty -r -t hs chunk; then
            seen+=$chunk
            [[ $seen == *$1* ]] && return 0
        else
            zselect -t 2
        fi
    done
    print -r -- "timeout:waiting for $1; the terminal showed: ${(q)seen[-500,-1]}"
    return 1
}

TERM=xterm zpty hs "zsh -f -i" || exit 3
zpty -w hs "source ${(q)work}/init.zsh"
await HS-READY || exit 4
integer n=0
for line; do
    : >$work/result
    zpty -w -n hs "$line"$'\t'
    await "HS-DONE-$((++n))" || exit 4
    print -r -- "line:$line"
    print -r -- "$(<$work/result)"
    for error in ${(f)"$(<$work/stderr)"}; do print -r -- "error:$error"; done
    : >$work/stderr
done
zpty -d hs
