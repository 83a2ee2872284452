/// `completion bash|zsh|fish|man`: the shell integration files, printed from the command table this
/// binary carries, so a lone downloaded binary can install completions and its man page that match it.
enum CompletionCommands {
    static let all: [Command] = Shell.allCases.map(script) + [man]

    static func script(_ shell: Shell) -> Command {
        let install: [Shell: (String, String)] = [
            .bash: ("homeserve completion bash > ~/.local/share/bash-completion/completions/homeserve",
                    "Install for your user (bash-completion loads it on first use)"),
            .zsh: ("homeserve completion zsh > \"${fpath[1]}/_homeserve\"",
                   "Install into the first directory of $fpath (then start a new shell)"),
            .fish: ("homeserve completion fish > ~/.config/fish/completions/homeserve.fish",
                    "Install for your user"),
        ]
        let now: [Shell: (String, String)] = [
            .bash: ("source <(homeserve completion bash)", "Enable in the current shell, or from ~/.bashrc"),
            .zsh: ("source <(homeserve completion zsh)", "Enable in the current shell, or from ~/.zshrc after compinit"),
            .fish: ("homeserve completion fish | source", "Enable in the current shell"),
        ]
        let installExample = install[shell] ?? ("", "")
        let nowExample = now[shell] ?? ("", "")
        return Command(
            "completion \(shell.rawValue)",
            summary: "Print the \(shell.rawValue) completion script",
            discussion: """
            Completes groups, commands, flags (not those already given, unless repeatable; --no-FLAG for
            switches once --no- is typed), choice values (-o, --status, dispute types, notification tasks,
            config keys; after --status pending, the statuses not yet listed), file paths for file flags and
            arguments and @FILE payloads, and --profile names read from settings.json and credentials.json
            when you press Tab. The script matches this binary's commands; regenerate it after upgrading.
            """,
            examples: [Example(installExample.0, installExample.1), Example(nowExample.0, nowExample.1)],
            reach: .local,
            printsData: false
        ) { inv in
            .text(Completions.script(for: shell, table: inv.table))
        }
    }

    static let man = Command(
        "completion man",
        summary: "Print the manual page (roff) for man(1)",
        discussion: "The same page the release installs as homeserve(1), generated from this binary's commands.",
        examples: [
            Example("homeserve completion man > ~/.local/share/man/man1/homeserve.1", "Install the man page for your user"),
            Example("homeserve completion man | man -l -", "Read it without installing"),
        ],
        reach: .local,
        printsData: false
    ) { inv in
        .text(ManPage.render(table: inv.table))
    }
}
