enum VendorCommands {
    static let all: [Command] = [search]

    static let columns = ["id", "name", "rating", "total_jobs", "distance_km", "travel_time"]

    static let search = Command(
        "vendors search",
        summary: "Find vendors serving a pincode, nearest first",
        discussion: "travel_time is in minutes. The pincode's demand index is shown on stderr; -o json lists the vendors only.",
        flags: [
            Flag("pincode", .pincode, "Where the service is needed", required: true),
            Flag("service", .integer(1...Int.max), "Only vendors offering this service id", placeholder: "ID"),
        ],
        examples: [
            Example("homeserve vendors search --pincode 560001", "Vendors near 560001"),
            Example("homeserve vendors search --pincode 560001 --service 1 -o csv", "Vendors for service 1, as CSV"),
        ]
    ) { inv in
        let pincode = inv.values.string("pincode")!
        let response = try inv.client().send("GET", "/api/vendor-search/", query: [("pincode", pincode), ("service_id", inv.values.string("service"))])
        if let total = response?["total_vendors"]?.stringValue {
            let demand = response?["demand_index"]?.stringValue.map { ", demand index \($0)" } ?? ""
            inv.note("Vendors serving \(pincode): \(total)\(demand).")
        }
        try inv.showItems(response, keys: ["vendors"], columns: columns)
    }
}
