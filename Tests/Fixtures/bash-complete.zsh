#!/usr/bin/env zsh -f
# Completes command lines in a real interactive bash, driven through a pseudo-terminal (zsh/zpty): readline
# splits the words (COMP_WORDBREAKS), runs the function completions/homeserve.bash registered, and
# inserts what it offered. Run by zsh, which has zpty; the shell typed into is bash.
#
#   zsh -f Tests/Fixtures/bash-complete.zsh COMPLETIONS_DIR WORK_DIR LINE...
#
# For each LINE it prints a block:
#   line:LINE
#   buffer:the line after one Tab (what readline inserted)
#   offer:one line per candidate the function returned
#   error:one line per line bash printed on stderr
emulate -L zsh
zmodload zsh/zpty zsh/datetime zsh/zselect || exit 3
completions=$1 work=$2
shift 2
[[ -d $completions && -d $work ]] || { print -u2 "usage: $0 COMPLETIONS_DIR WORK_DIR LINE..."; exit 2; }

: >$work/stderr
cat >$work/init.bash <<EOF
PS1='$ ' PS2='' PROMPT_COMMAND=''
bind 'set bell-style none'
source ${(q)completions}/homeserve.bash
hs_function=\$(complete -p homeserve | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
hs_capture() {
    # What the function prints on stderr; readline draws on stderr itself.
    "\$hs_function" "\$@" 2>>${(q)work}/stderr
    ((\${#COMPREPLY[@]})) && printf 'offer:%s\n' "\${COMPREPLY[@]}" >${(q)work}/offers
}
complete -F hs_capture homeserve
hs_done=0
hs_report() {
    printf 'buffer:%s\n' "\$READLINE_LINE" >${(q)work}/buffer
    READLINE_LINE='' READLINE_POINT=0
    echo "HS-DONE-\$((++hs_done))"
}
bind -x '"\C-x\C-r": hs_report'
echo "HS-\${hs_function:+READY}"
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

TERM=xterm INPUTRC=/dev/null zpty hs "bash --norc --noprofile -i"
zpty -w hs "source ${(q)work}/init.bash"
await HS-READY || exit 4
integer n=0
for line; do
    : >$work/offers
    # Tab, then the key that reports the line and clears it.
    zpty -w -n hs "$line"$'\t\C-x\C-r'
    await "HS-DONE-$((++n))" || exit 4
    print -r -- "line:$line"
    print -r -- "$(<$work/buffer)"
    [[ -s $work/offers ]] && print -r -- "$(<$work/offers)"
    for error in ${(f)"$(<$work/stderr)"}; do print -r -- "error:$error"; done
    : >$work/stderr
done
zpty -d hs
