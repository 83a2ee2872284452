import HomeServeAPI
import HomeServeCore

enum AdminNotificationCommands {
    static let all: [Command] = [stats, trigger, logs, alerts]

    /// The sandbox's tasks; a server may have others ('admin notifications stats' lists them).
    static let actions = ["send_booking_reminders", "check_business_alerts", "expire_signatures", "cleanup_old_logs"]

    static let stats = Command(
        "admin notifications stats",
        summary: "Notification delivery statistics",
        examples: [
            Example("homeserve admin notifications stats", "How many notifications went out, and how many failed"),
            Example("homeserve admin notifications stats -o csv --fields total,by_status.sent", "Two figures as CSV"),
        ]
    ) { inv in
        guard let answer = try inv.json(APICall("GET", "/admin-dashboard/notifications/")) else { return .nothing }
        return .document(answer, .report())
    }

    static let action = Argument("ACTION", .open(actions, placeholder: "ACTION"), "The task to run")

    static let trigger = Command(
        "admin notifications trigger",
        summary: "Run a scheduled notification task now",
        discussion: """
        ACTION names a server task; 'homeserve admin notifications stats' lists them as available_actions (the
        sandbox has send_booking_reminders, check_business_alerts, expire_signatures and cleanup_old_logs).
        An answer saying the task did not run (success: false) is exit 6.
        """,
        arguments: [action],
        examples: [Example("homeserve admin notifications trigger send_booking_reminders", "Remind tomorrow's customers and vendors now")]
    ) { inv in
        guard let answer = try inv.json(APICall("POST", "/admin-dashboard/notifications/", body: .json(.object([("action", .string(inv[action]))])))) else {
            return .nothing
        }
        if let message = answer["message"]?.stringValue { inv.note(message) }
        return .document(answer, .resource())
    }

    static let type = Flag("type", .nonBlank, "Only this notification type, e.g. booking_reminder", placeholder: "TYPE")
    static let method = Flag("method", .choice(["email", "sms", "websocket"]), "Only this channel")
    static let status = Flag("status", .choice(["pending", "sent", "delivered", "failed"]), "Only this delivery status")
    static let recipient = Flag("recipient", .identifier, "Only notifications to this user id (recipient_id)")
    static let from = Flag("from", .date, "Sent on or after this day (date_from)")
    static let to = Flag("to", .date, "Sent up to this day (date_to)")

    static let logs = Command(
        "admin notifications logs",
        summary: "Sent notifications, newest first, with delivery status",
        flags: [type, method, status, recipient, from, to] + ListFlags.flags,
        examples: [
            Example("homeserve admin notifications logs --status failed --from 2026-12-01", "Failed notifications this month"),
            Example("homeserve admin notifications logs --method sms --all -o csv", "Every SMS log as CSV"),
        ]
    ) { inv in
        var query: [(String, String)] = []
        var filters: [RowFilter] = []
        for (key, value, paths) in [("type", inv[type], ["notification_type", "type"]), ("method", inv[method], ["method", "channel"]),
                                    ("status", inv[status], ["status"]), ("recipient_id", inv[recipient], ["recipient_id", "recipient"])] {
            guard let value else { continue }
            query.append((key, value))
            filters.append(.oneOf(key == "recipient_id" ? "recipient" : key, paths: paths, [value]))
        }
        if let value = inv[from] { query.append(("date_from", value)) }
        if let value = inv[to] { query.append(("date_to", value)) }
        return try inv.listing("/admin-dashboard/notifications/logs/", query: query, sizeParameter: "per_page", filters: filters,
                               presentation: .report(["id", "created_at", "notification_type", "method", "status", "recipient_username", "subject"]))
    }

    static let alertType = Flag("type", .nonBlank, "Only this alert type, e.g. unassigned_booking", placeholder: "TYPE")
    static let severity = Flag("severity", .choice(["low", "medium", "high", "critical"]), "Only this severity")
    static let alertStatus = Flag("status", .choice(["active", "acknowledged", "resolved", "ignored"]), "Only this status")

    static let alerts = Command(
        "admin alerts",
        summary: "Business alerts: unassigned bookings, stale disputes, overdue signatures",
        flags: [alertType, severity, alertStatus] + ListFlags.flags,
        examples: [
            Example("homeserve admin alerts --status active --severity critical", "What needs attention now"),
            Example("homeserve admin alerts --type stale_dispute -o json", "Stale-dispute alerts with their details"),
        ]
    ) { inv in
        var query: [(String, String)] = []
        var filters: [RowFilter] = []
        for (key, value, paths) in [("type", inv[alertType], ["alert_type", "type"]), ("severity", inv[severity], ["severity"]),
                                    ("status", inv[alertStatus], ["status"])] {
            guard let value else { continue }
            query.append((key, value))
            filters.append(.oneOf(key, paths: paths, [value]))
        }
        return try inv.listing("/admin-dashboard/notifications/alerts/", query: query, sizeParameter: "per_page", filters: filters,
                               presentation: .report(["id", "created_at", "alert_type", "severity", "status", "title"]))
    }
}
