import HomeServeAPI
import HomeServeCore

enum AdminNotificationCommands {
    static let all: [Command] = [stats, trigger, logs, alerts]

    /// The sandbox's tasks; a server may have others ('admin notifications stats' lists them).
    static let actions = ["send_booking_reminders", "check_business_alerts", "expire_signatures", "cleanup_old_logs"]

    static let stats = Command(
        "admin notifications stats",
        summary: "Notification delivery statistics",
        discussion: "A table shows the statistics, then the recent notifications; csv and tsv print one row.",
        examples: [
            Example("homeserve admin notifications stats", "How many notifications went out, and how many failed"),
            Example("homeserve admin notifications stats -o csv --fields total,by_status.sent", "Two figures as CSV"),
        ]
    ) { inv in
        return try inv.document(APICall("GET", "/admin-dashboard/notifications/"), .summary(["total", "last_24_hours", "failure_rate"]))
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
        return try inv.document(APICall("POST", "/admin-dashboard/notifications/", body: .json(.object([("action", .string(inv[action]))]))),
                                .resource(), saying: Invocation.serverMessage)
    }

    static let type = Flag("type", .open(["booking_reminder", "booking_created", "booking_confirmed", "signature_request", "dispute_opened"], placeholder: "TYPE"),
                           "Only this notification type")
    static let method = Flag("method", .open(["email", "sms", "websocket"], placeholder: "METHOD"), "Only this channel")
    static let status = Flag("status", .open(["pending", "sent", "delivered", "failed"], placeholder: "STATUS"), "Only this delivery status")
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
        var filters = ListFilters()
        filters.add("type", inv[type], flag: "type", paths: ["notification_type", "type"])
        filters.add("method", inv[method], flag: "method", paths: ["method", "channel"])
        filters.add("status", inv[status], flag: "status", paths: ["status"])
        filters.add("recipient_id", inv[recipient], flag: "recipient", paths: ["recipient_id", "recipient"])
        try filters.dates(("date_from", "date_to"), from: inv[from], to: inv[to], flag: "from/--to", paths: ["created_at", "sent_at"])
        return try inv.listing("/admin-dashboard/notifications/logs/", filters, sizeParameter: "per_page",
                               presentation: .report(["id", "created_at", "notification_type", "method", "status", "recipient_username", "subject"]))
    }

    static let alertType = Flag("type", .open(["unassigned_booking", "high_demand", "no_vendor_coverage", "stale_dispute"], placeholder: "TYPE"),
                                "Only this alert type")
    static let severity = Flag("severity", .open(["low", "medium", "high", "critical"], placeholder: "SEVERITY"), "Only this severity")
    static let alertStatus = Flag("status", .open(["active", "acknowledged", "resolved", "ignored"], placeholder: "STATUS"), "Only this status")

    static let alerts = Command(
        "admin alerts",
        summary: "Business alerts: unassigned bookings, stale disputes, overdue signatures",
        discussion: """
        A listing: -o json prints the alerts as one array. The counts the answer holds beside them (its
        summary) are read with 'homeserve api GET /admin-dashboard/notifications/alerts/ --jq .summary'.
        """,
        flags: [alertType, severity, alertStatus] + ListFlags.flags,
        examples: [
            Example("homeserve admin alerts --status active --severity critical", "What needs attention now"),
            Example("homeserve admin alerts --type stale_dispute -o json", "Stale-dispute alerts with their details"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("type", inv[alertType], flag: "type", paths: ["alert_type", "type"])
        filters.add("severity", inv[severity], flag: "severity", paths: ["severity"])
        filters.add("status", inv[alertStatus], flag: "status", paths: ["status"])
        return try inv.listing("/admin-dashboard/notifications/alerts/", filters, sizeParameter: "per_page",
                               presentation: .report(["id", "created_at", "alert_type", "severity", "status", "title"]))
    }
}
