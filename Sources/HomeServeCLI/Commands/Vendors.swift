import HomeServeAPI
import HomeServeCore

enum VendorCommands {
    static let all: [Command] = [search]

    static let columns = ["id", "name", "rating", "total_jobs", "distance_km", "travel_time"]
    static let pincode = RequiredFlag("pincode", .pincode, "Where the service is needed")
    static let service = Flag("service", .integer(1...), "Only vendors offering this service id", placeholder: "ID")

    static let search = Command(
        "vendors search",
        summary: "Find vendors serving a pincode, nearest first",
        discussion: "Rows are the vendors (travel_time in minutes); -o json prints the server's whole answer, demand figures included.",
        flags: [pincode, service],
        examples: [
            Example("homeserve vendors search --pincode 560001", "Vendors near 560001"),
            Example("homeserve vendors search --pincode 560001 --service 1 -o csv", "Vendors for service 1, as CSV"),
        ]
    ) { inv in
        var query = [("pincode", inv[pincode])]
        if let id = inv[service] { query.append(("service_id", String(id))) }
        return try inv.document(APICall("GET", "/api/vendor-search/", query: query), .report(columns))
    }
}
