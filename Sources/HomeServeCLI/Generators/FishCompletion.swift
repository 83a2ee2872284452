/// `complete -c homeserve -f -a '(__homeserve_complete)'`: the table as `switch` data plus one walker
/// over `commandline -opc`. Candidates print as `word<TAB>description`; fish filters them itself.
struct FishCompletion {
    let model: CompletionModel

    private func q(_ text: String) -> String { ShellQuote.fish(text) }

    /// `printf '%s\t%s\n' \` followed by one `word 'description'` pair a line.
    private func described(_ pairs: [(String, String)], indent: String) -> String {
        guard !pairs.isEmpty else { return indent + "return 0\n" }
        return indent + #"printf '%s\t%s\n'"# + pairs.map { " \\\n\(indent)    \(q($0.0)) \(q($0.1))" }.joined() + "\n"
    }

    private func function(_ name: String, _ comment: String, arguments: String,
                          cases: [(patterns: [String], body: String)]) -> String {
        var s = "# \(comment)\nfunction __homeserve_\(name)\n    switch \(arguments)\n"
        for (patterns, body) in cases {
            s += "        case " + patterns.joined(separator: " ") + "\n" + body
        }
        return s + "    end\nend\n"
    }

    var script: String {
        var children: [(patterns: [String], body: String)] = []
        for path in model.groupPaths {
            children.append(([q(path.joined(separator: " "))],
                             described(model.children(of: path).map { ($0.word, $0.summary) }, indent: "            ")))
        }

        var isCommand = "# Succeeds when the path names a command (it may also have subcommands).\nfunction __homeserve_is_command\n    contains -- $argv[1]"
        for command in model.commands { isCommand += " \\\n        " + q(command.name) }
        isCommand += "\nend\n"

        var flags: [(patterns: [String], body: String)] = []
        for command in model.commands where !command.flags.isEmpty {
            flags.append(([q(command.name)], described(model.flags(of: command).map { ($0.long, $0.help) }, indent: "            ")))
        }

        var values: [(patterns: [String], body: String)] = []
        for command in model.commands {
            for flag in model.flags(of: command) {
                values.append((flag.names.map { q(command.name + " " + $0) }, "            echo \(q(flag.values.encoded))\n"))
            }
        }
        for flag in model.globalFlags {
            values.append((flag.names.map { q("* " + $0) }, "            echo \(q(flag.values.encoded))\n"))
        }

        var arguments: [(patterns: [String], body: String)] = []
        for command in model.commands {
            let (fixed, repeating) = model.arguments(of: command)
            for (index, kind) in fixed.enumerated() where kind != .free {
                arguments.append(([q("\(command.name) \(index)")], "            echo \(q(kind.encoded))\n"))
            }
            if let repeating, repeating != .free {
                arguments.append(([q(command.name + " *")], "            echo \(q(repeating.encoded))\n"))
            }
        }

        let globals = "# The global flags, valid everywhere.\nfunction __homeserve_global_flags\n"
            + described(model.globalFlags.map { ($0.long, $0.help) }, indent: "    ") + "end\n"
        let topics = "# Help topics, for 'homeserve help TOPIC'.\nfunction __homeserve_topics\n"
            + described(model.topics.map { ($0.word, $0.summary) }, indent: "    ") + "end\n"

        return """
        \(model.header(.fish))
        #
        # Install: copy to ~/.config/fish/completions/homeserve.fish, or run:
        #   homeserve completion fish | source

        \(function("children", "The words that may follow a command path: subgroups and commands.", arguments: "$argv[1]", cases: children))
        \(isCommand)
        \(function("flags", "A command's own flags.", arguments: "$argv[1]", cases: flags))
        \(globals)
        \(topics)
        \(function("value", "How a flag's value completes: none (no value), choice WORDS..., file, payload, profile or text.",
                   arguments: #""$argv[1] $argv[2]""#, cases: values))
        \(function("argument", "How a command's positional argument completes, by index.",
                   arguments: #""$argv[1] $argv[2]""#, cases: arguments))
        # Profile names from settings.json, found where homeserve looks: $HOMESERVE_CONFIG_DIR,
        # else $XDG_CONFIG_HOME/homeserve, else ~/.config/homeserve. A profile's settings are flat
        # strings, so only "profiles" and the profiles themselves open a '{'.
        function __homeserve_profiles
            set -l dir $HOMESERVE_CONFIG_DIR
            if test -z "$dir"; and test -n "$XDG_CONFIG_HOME"
                set dir $XDG_CONFIG_HOME/homeserve
            end
            test -n "$dir"; or set dir ~/.config/homeserve
            echo \(q(model.defaultProfile))
            test -r $dir/settings.json; or return 0
            for name in (string match -r -a -g '"([^"]*)"\\s*:\\s*\\{' < $dir/settings.json)
                contains -- $name profiles \(q(model.defaultProfile)); or echo $name
            end
        end

        """ + walker
    }

    private var walker: String {
        #"""
        # Prints the completions of one value kind. $1 text to put before each, $2 the partial value,
        # $3 the kind (from __homeserve_value/__homeserve_argument).
        function __homeserve_complete_value --argument-names before partial encoded
            set -l kind (string split ' ' -- $encoded)
            switch "$kind[1]"
                case choice
                    for value in $kind[2..-1]
                        printf '%s%s\n' "$before" $value
                    end
                case profile
                    for name in (__homeserve_profiles)
                        printf '%s%s\n' "$before" $name
                    end
                case file
                    for file in (__fish_complete_path "$partial")
                        printf '%s%s\n' "$before" $file
                    end
                case payload
                    # Inline JSON and - (stdin) have nothing to complete; @FILE does.
                    string match -q -- '@*' "$partial"; or return 0
                    for file in (__fish_complete_path (string sub -s 2 -- "$partial"))
                        printf '%s@%s\n' "$before" $file
                    end
            end
        end

        function __homeserve_complete
            set -l tokens (commandline -opc)
            set -l cur (commandline -ct)
            set -l cmdpath ''
            set -l pending ''
            set -l nargs 0
            set -l help 0
            set -l ended 0
            set -l i 1
            # Replay the parser over the finished words: flags (and their values) may come anywhere,
            # a word extends the command path until the command has a positional argument.
            while test $i -lt (count $tokens)
                set i (math $i + 1)
                set -l w $tokens[$i]
                if test $ended -eq 0; and test "$w" = --
                    set ended 1
                    continue
                end
                if test $ended -eq 0; and string match -q -r -- '^-.' "$w"
                    string match -q -- '--*=*' "$w"; and continue
                    set -l f $w
                    string match -q -- '--*' "$w"; or set f (string sub -l 2 -- "$w")
                    set -l kind (__homeserve_value "$cmdpath" $f)
                    if test -n "$kind"; and test "$kind" != none
                        if string match -q -- '--*' "$w"; or test (string length -- "$w") -eq 2
                            if test $i -eq (count $tokens)
                                set pending $f
                            else
                                set i (math $i + 1)
                            end
                        end
                    end
                    continue
                end
                if test -z "$cmdpath"; and test $help -eq 0; and test $nargs -eq 0; and test "$w" = help
                    set help 1
                    continue
                end
                if contains -- "$w" (__homeserve_children "$cmdpath" | string replace -r '\t.*' '')
                    and begin
                        test $help -eq 1; or not __homeserve_is_command "$cmdpath"
                        or begin; test $ended -eq 0; and test $nargs -eq 0; end
                    end
                    if test -z "$cmdpath"
                        set cmdpath $w
                    else
                        set cmdpath "$cmdpath $w"
                    end
                    continue
                end
                test $help -eq 1; or set nargs (math $nargs + 1)
            end

            if test -n "$pending"
                __homeserve_complete_value '' "$cur" (__homeserve_value "$cmdpath" $pending)
            else if test $ended -eq 0; and string match -q -- '--*=*' "$cur"
                set -l flag (string replace -r '=.*' '' -- "$cur")
                __homeserve_complete_value "$flag=" (string replace -r '^[^=]*=' '' -- "$cur") (__homeserve_value "$cmdpath" $flag)
            else if test $ended -eq 0; and string match -q -- '-*' "$cur"
                if test $help -eq 0; and __homeserve_is_command "$cmdpath"
                    __homeserve_flags "$cmdpath"
                end
                __homeserve_global_flags
            else if test $help -eq 1
                __homeserve_children "$cmdpath"
                test -z "$cmdpath"; and __homeserve_topics
            else
                if not __homeserve_is_command "$cmdpath"; or begin; test $ended -eq 0; and test $nargs -eq 0; end
                    __homeserve_children "$cmdpath"
                end
        """# + "\n        test -z \"$cmdpath\"; and printf '%s\\t%s\\n' help \(q(CompletionModel.helpWord.summary))\n" + #"""
                if __homeserve_is_command "$cmdpath"
                    __homeserve_complete_value '' "$cur" (__homeserve_argument "$cmdpath" $nargs)
                end
            end
        end

        complete -c homeserve -e
        complete -c homeserve -f -a '(__homeserve_complete)'

        """#
    }
}
