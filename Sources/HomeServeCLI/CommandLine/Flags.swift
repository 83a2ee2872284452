import HomeServeCore

/// A flag as the parser, help, completions and the man page see it: plain data plus a converter.
public struct FlagSpec: Sendable {
    public let name: String
    public let short: Character?
    public let shape: ValueShape
    public let help: String
    /// Shown in help: the default, as typed.
    public let defaultText: String?
    public let required: Bool
    public let repeatable: Bool
    public let isSwitch: Bool
    /// A switch that `--no-NAME` turns off again. Not one already named `no-…` (no `--no-no-headers`),
    /// nor one that acts rather than sets (`--help`, `--version`).
    public let negatable: Bool
    let convert: @Sendable (String, ValueContext) throws(ValueProblem) -> any Sendable
    let defaultValue: (any Sendable)?

    public var takesValue: Bool { !isSwitch }
    /// A repeatable closed choice list or id also takes several values in one word: `--status
    /// pending,confirmed`, `--photo 3,4`.
    public var splitsOnCommas: Bool { repeatable && (shape.choices != nil || shape.commaFree) }
    public var placeholder: String { shape.placeholder }

    /// `--status S` or `-o, --output FORMAT`, as help and the man page show it.
    public var synopsis: String {
        var s = short.map { "-\($0), " } ?? ""
        s += "--\(name)"
        if takesValue { s += " \(placeholder)" }
        return s
    }
}

/// A typed handle on a declared flag: `inv[flag]` returns its value as the declared type.
public protocol FlagDeclaration: Sendable {
    var spec: FlagSpec { get }
}

/// An optional flag: `inv[flag]` is `Value?`.
public struct Flag<Value: Sendable>: FlagDeclaration {
    public let spec: FlagSpec

    public init(_ name: String, short: Character? = nil, _ kind: ValueKind<Value>, _ help: String, placeholder: String? = nil) {
        spec = FlagSpec(name: name, short: short, shape: kind.shape.with(placeholder: placeholder), help: help, defaultText: nil,
                        required: false, repeatable: false, isSwitch: false, negatable: false, convert: kind.erased, defaultValue: nil)
    }
}

/// A flag that always has a value, because it is required or has a default: `inv[flag]` is `Value`.
public struct RequiredFlag<Value: Sendable>: FlagDeclaration {
    public let spec: FlagSpec

    /// Required: the command cannot run without it.
    public init(_ name: String, short: Character? = nil, _ kind: ValueKind<Value>, _ help: String, placeholder: String? = nil) {
        spec = FlagSpec(name: name, short: short, shape: kind.shape.with(placeholder: placeholder), help: help, defaultText: nil,
                        required: true, repeatable: false, isSwitch: false, negatable: false, convert: kind.erased, defaultValue: nil)
    }

    /// Defaulted: the default applies when the flag is not given.
    public init(_ name: String, short: Character? = nil, _ kind: ValueKind<Value>, _ help: String, default value: Value,
                shown: String, placeholder: String? = nil) {
        spec = FlagSpec(name: name, short: short, shape: kind.shape.with(placeholder: placeholder), help: help, defaultText: shown,
                        required: false, repeatable: false, isSwitch: false, negatable: false, convert: kind.erased, defaultValue: value)
    }
}

extension RequiredFlag where Value == Int {
    public init(_ name: String, short: Character? = nil, _ kind: ValueKind<Int>, _ help: String, default value: Int, placeholder: String? = nil) {
        self.init(name, short: short, kind, help, default: value, shown: String(value), placeholder: placeholder)
    }
}

/// A repeatable flag: `inv[flag]` is `[Value]`. Choice lists also split on commas (`--status a,b`).
public struct ListFlag<Value: Sendable>: FlagDeclaration {
    public let spec: FlagSpec

    public init(_ name: String, short: Character? = nil, _ kind: ValueKind<Value>, _ help: String, required: Bool = false, placeholder: String? = nil) {
        spec = FlagSpec(name: name, short: short, shape: kind.shape.with(placeholder: placeholder), help: help, defaultText: nil,
                        required: required, repeatable: true, isSwitch: false, negatable: false, convert: kind.erased, defaultValue: nil)
    }
}

/// A switch: `inv[flag]` is `Bool`; `--no-NAME` turns it off again unless `negatable` is false or the
/// name already starts with `no-`.
public struct SwitchFlag: FlagDeclaration {
    public let spec: FlagSpec

    public init(_ name: String, short: Character? = nil, _ help: String, negatable: Bool = true) {
        spec = FlagSpec(name: name, short: short, shape: ValueShape(placeholder: "", accepted: "no value", completion: .none), help: help,
                        defaultText: nil, required: false, repeatable: false, isSwitch: true,
                        negatable: negatable && !name.hasPrefix("no-"),
                        convert: { text, _ throws(ValueProblem) in text == "true" }, defaultValue: false)
    }
}

/// A positional argument as help and the parser see it.
public struct ArgumentSpec: Sendable {
    public let name: String
    public let shape: ValueShape
    public let help: String
    let convert: @Sendable (String, ValueContext) throws(ValueProblem) -> any Sendable
}

public protocol ArgumentDeclaration: Sendable {
    var spec: ArgumentSpec { get }
}

/// A required positional argument: `inv[argument]` is `Value`.
public struct Argument<Value: Sendable>: ArgumentDeclaration {
    public let spec: ArgumentSpec

    public init(_ name: String, _ kind: ValueKind<Value>, _ help: String) {
        spec = ArgumentSpec(name: name, shape: kind.shape.with(placeholder: name), help: help, convert: kind.erased)
    }
}

extension ValueKind {
    var erased: @Sendable (String, ValueContext) throws(ValueProblem) -> any Sendable {
        let convert = self.convert
        return { text, context throws(ValueProblem) in try convert(text, context) }
    }
}

extension ValueShape {
    func with(placeholder: String?) -> ValueShape {
        guard let placeholder else { return self }
        var copy = self
        copy.placeholder = placeholder
        return copy
    }
}
