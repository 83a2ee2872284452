import HomeServeAPI
import HomeServeCore

enum PricingCommands {
    static let all: [Command] = [quote, predict]

    static let service = RequiredFlag("service", .integer(1...), "Service id (see 'homeserve services list')", placeholder: "ID")
    static let pincode = RequiredFlag("pincode", .pincode, "Where the service is needed")
    static let at = Flag("at", .dateTime, "When the service would take place (scheduled_datetime), e.g. 'saturday 18:00'")
    static let days = RequiredFlag("days", .integer(1...30), "How many days ahead", default: 7)

    static let quoteColumns = ["service.name", "pincode", "pricing.base_price", "pricing.surge_multiplier", "pricing.final_price",
                               "pricing.demand_level", "timestamp"]
    static let predictionColumns = ["date", "predicted_price", "surge_multiplier", "demand_level", "confidence"]

    /// The quote's final price, wherever the server put it: the guide's `pricing.final_price` or the names
    /// other deployments use.
    static func finalPrice(in quote: JSON) -> String? {
        let known = ["pricing.final_price", "final_price", "pricing.total", "pricing.total_price", "quote.total", "quote.final_price",
                     "price.final", "price.total", "total_price", "total"]
        for path in known {
            if let value = quote.value(at: path), !value.isObject, let text = value.stringValue, Money.isAmount(text) || Double(text) != nil { return text }
        }
        return nil
    }

    static let quote = Command(
        "pricing quote",
        summary: "Quote the dynamic price of a service at a pincode and time",
        discussion: """
        Without --at the server prices the service for now. A table shows the quote's fields: on a server
        with the guide's names the service, pincode and prices first, then the multipliers behind them; on
        another, in the order it sent them. -o json prints the quote as the server sent it.
        """,
        flags: [service, pincode, at],
        examples: [
            Example("homeserve pricing quote --service 1 --pincode 560001", "Today's price"),
            Example("homeserve pricing quote --service 1 --pincode 560001 --at 'saturday 18:00' -o json", "The full quote for a Saturday evening"),
        ]
    ) { inv in
        var query = [("service_id", String(inv[service])), ("pincode", inv[pincode])]
        if let moment = inv[at] { query.append(("scheduled_datetime", moment)) }
        return try inv.document(APICall("GET", "/api/dynamic-pricing/", query: query), .report(quoteColumns))
    }

    static let predict = Command(
        "pricing predict",
        summary: "Predict a service's price at a pincode for the coming days",
        discussion: "Rows are the days of the prediction; -o json prints the whole answer, service included.",
        flags: [service, pincode, days],
        examples: [
            Example("homeserve pricing predict --service 1 --pincode 560001", "The coming week, a row a day"),
            Example("homeserve pricing predict --service 2 --pincode 560001 --days 30 -o csv > prices.csv", "A month of predictions for a spreadsheet"),
        ]
    ) { inv in
        let body = JSON.object([("service_id", .int(inv[service])), ("pincode", .string(inv[pincode])), ("days", .int(inv[days]))])
        var call = APICall("POST", "/api/dynamic-pricing/", body: .json(body))
        call.computesOnly = true
        return try inv.document(call, .report(predictionColumns))
    }
}
