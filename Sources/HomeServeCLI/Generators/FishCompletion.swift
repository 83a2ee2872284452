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

        var records: [(patterns: [String], body: String)] = []
        for command in model.commands {
            for flag in model.flags(of: command) {
                records.append((flag.names.map { q(command.name + " " + $0) }, "            echo \(q(flag.record))\n"))
            }
        }
        for flag in model.globalFlags {
            records.append((flag.names.map { q("* " + $0) }, "            echo \(q(flag.record))\n"))
        }

        var arguments: [(patterns: [String], body: String)] = []
        for command in model.commands {
            for (index, kind) in model.arguments(of: command).enumerated() where kind != .free {
                arguments.append(([q("\(command.name) \(index)")], "            echo \(q(kind.encoded))\n"))
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
        \(function("flag", """
            A flag as the walker needs it: its long name, 'many' if it may be given again or 'once', then how
            # its value completes: none (a switch), switch (a switch with a --no- form), choice WORDS..., list
            # WORDS... (comma-separated), file, payload, profile or text. Nothing for an unknown flag.
            """, arguments: #""$argv[1] $argv[2]""#, cases: records))
        \(function("argument", "How a command's positional argument completes, by index.",
                   arguments: #""$argv[1] $argv[2]""#, cases: arguments))
        # Profile names: 'default', and the keys of the "profiles" object of settings.json and of
        # credentials.json (a login with --profile writes only the latter), read where homeserve reads
        # them: $HOMESERVE_CONFIG_DIR, else $XDG_CONFIG_HOME/homeserve (an absolute one), else ~/.config/homeserve. Builtins
        # only: strings and braces are matched line by line, so nested objects (a session's user) are
        # never taken for profiles.
        function __homeserve_profiles
            set -l dir $HOMESERVE_CONFIG_DIR
            if test -z "$dir"; and string match -q '/*' -- "$XDG_CONFIG_HOME"
                set dir $XDG_CONFIG_HOME/homeserve
            end
            test -n "$dir"; or set dir ~/.config/homeserve
            set -l names \(q(model.defaultProfile))
            for file in $dir/settings.json $dir/credentials.json
                test -r $file; or continue
                set -l depth 0
                set -l key ''
                set -l outer ''
                for token in (string match -r -a '"(?:[^"\\\\\\\\]|\\\\\\\\.)*"\\s*:?|[{}]' < $file)
                    switch $token
                        case '{'
                            set depth (math $depth + 1)
                            test $depth -eq 2; and set outer $key
                        case '}'
                            set depth (math $depth - 1)
                        case '*:'
                            set key (string replace -r '^"(.*)"\\s*:$' '$1' -- $token)
                            # Only names homeserve accepts.
                            if test $depth -eq 2; and test "$outer" = profiles
                                and string match -q -r '^[A-Za-z0-9._-]+$' -- $key; and not contains -- $key $names
                                set -a names $key
                            end
                    end
                end
            end
            printf '%s\\n' $names
        end

        """ + walker
    }

    private var walker: String {
        #"""
        # Prints the completions of one value kind. $1 text to put before each, $2 the partial value,
        # then the kind (a record's tail from __homeserve_flag, or __homeserve_argument) as words.
        function __homeserve_complete_value --argument-names before partial
            set -l kind $argv[3..-1]
            switch "$kind[1]"
                case choice
                    printf '%s\n' $before$kind[2..-1]
                case list
                    # Several values, comma-separated: complete the last, offer only those not yet listed.
                    set -l done (string match -r '^.*,' -- "$partial")
                    for value in $kind[2..-1]
                        contains -- $value (string split , -- "$done"); or printf '%s%s%s\n' "$before" "$done" $value
                    end
                case profile
                    printf '%s\n' $before(__homeserve_profiles)
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
            set -l pending
            set -l given
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
                    set -l f (string replace -r '=.*' '' -- "$w")
                    string match -q -- '--*' "$w"; or set f (string sub -l 2 -- "$w")
                    set -l record (__homeserve_flag "$cmdpath" $f | string split ' ')
                    if test -z "$record"; and string match -q -r -- '^--no-.' "$f"
                        set record (__homeserve_flag "$cmdpath" (string replace -- --no- -- "$f") | string split ' ')
                        test "$record[3]" = switch; or set record
                    end
                    test -n "$record"; or continue
                    # Given before the command, a flag is the global one: the command's own of that name is still to come.
                    if test "$record[2]" = once
                        if __homeserve_is_command "$cmdpath"
                            set -a given $record[1]
                        else
                            set -a given "^$record[1]"
                        end
                    end
                    if not contains -- "$record[3]" none switch; and not string match -q -- '*=*' "$w"
                        if string match -q -- '--*' "$w"; or test (string length -- "$w") -eq 2
                            if test $i -eq (count $tokens)
                                set pending $record[3..-1]
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
                __homeserve_complete_value '' "$cur" $pending
            else if test $ended -eq 0; and string match -q -- '--*=*' "$cur"
                set -l flag (string replace -r '=.*' '' -- "$cur")
                set -l record (__homeserve_flag "$cmdpath" $flag | string split ' ')
                test -n "$record"; and __homeserve_complete_value "$flag=" (string replace -r '^[^=]*=' '' -- "$cur") $record[3..-1]
            else if test $ended -eq 0; and string match -q -- '-*' "$cur"
                set -l flags
                if test $help -eq 0; and __homeserve_is_command "$cmdpath"
                    set flags (__homeserve_flags "$cmdpath")
                end
                set -l own (string replace -r '\t.*' '' -- $flags)
                set -a flags (__homeserve_global_flags)
                set -l offered
                # A flag given once is not offered again, in either spelling (--wide, --no-wide); a command's
                # own flag of a global one's name (--timeout) is, after the command, when the global came before.
                for line in $flags
                    set -l f (string replace -r '\t.*' '' -- $line)
                    contains -- $f $given $offered; and continue
                    contains -- "^$f" $given; and not contains -- $f $own; and continue
                    set -a offered $f
                    echo $line
                    if string match -q -- '--no-*' "$cur"
                        set -l record (__homeserve_flag "$cmdpath" $f | string split ' ')
                        test "$record[3]" = switch; and printf '%s\t%s\n' --no-(string sub -s 3 -- $f) "\#(CompletionModel.negationHelp("$f"))"
                    end
                end
            else if test $help -eq 1
                __homeserve_children "$cmdpath"
                test -z "$cmdpath"; and __homeserve_topics
            else
                if not __homeserve_is_command "$cmdpath"; or begin; test $ended -eq 0; and test $nargs -eq 0; end
                    __homeserve_children "$cmdpath"
                end
                test -z "$cmdpath"; and printf '%s\t%s\n' \#(CompletionModel.helpWord.word) \#(q(CompletionModel.helpWord.summary))
                if __homeserve_is_command "$cmdpath"
                    __homeserve_complete_value '' "$cur" (__homeserve_argument "$cmdpath" $nargs | string split ' ')
                end
            end
        end

        complete -c homeserve -e
        complete -c homeserve -f -a '(__homeserve_complete)'

        """#
    }
}
