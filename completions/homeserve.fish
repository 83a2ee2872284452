# fish completion for homeserve
# Generated from the homeserve command table by 'homeserve completion fish' (scripts/generate).
# Do not edit: change the table and regenerate.
#
# Install: copy to ~/.config/fish/completions/homeserve.fish, or run:
#   homeserve completion fish | source

# The words that may follow a command path: subgroups and commands.
function __homeserve_children
    switch $argv[1]
        case ''
            printf '%s\t%s\n' \
                'auth' 'Log in and out, OTP, tokens, session status' \
                'config' 'Profiles and settings, and where each value comes from' \
                'services' 'The service catalogue' \
                'bookings' 'Create, list and follow bookings' \
                'pricing' 'Dynamic price quotes and predictions' \
                'scheduling' 'Free slots, slot suggestions and vendor day plans' \
                'vendors' 'Find vendors serving a pincode' \
                'signatures' 'Customer sign-off of finished jobs' \
                'photos' 'Before and after photos of jobs' \
                'disputes' 'Open, discuss and resolve disputes' \
                'admin' 'Caches, audit trail, notifications, alerts and analytics' \
                'ai' 'AI analysis of pincodes, disputes and vendor bonuses' \
                'api' 'Call any endpoint with your session, like \'gh api\'' \
                'watch' 'Follow the live WebSocket channels' \
                'doctor' 'Check that this machine can use the API: URL, network, TLS, clock, session, files' \
                'smoke' 'Run a smoke test of a deployment, with JUnit XML for CI' \
                'completion' 'Shell completion scripts and the man page'
        case 'auth'
            printf '%s\t%s\n' \
                'login' 'Log in with a username and password and store the tokens for the profile' \
                'otp' 'One-time-password login by email or phone' \
                'refresh' 'Exchange the refresh token for a new access token now' \
                'status' 'Show the profile, server, user, role and token expiry, checked with the server' \
                'token' 'Print the access token (renewed first if it is about to expire)' \
                'logout' 'Forget the profile\'s tokens'
        case 'auth otp'
            printf '%s\t%s\n' \
                'send' 'Send a one-time login code by email or SMS' \
                'verify' 'Log in with a one-time code and store the tokens for the profile'
        case 'config'
            printf '%s\t%s\n' \
                'list' 'Show every effective setting with its value and where it comes from' \
                'profiles' 'List profiles with their URL, user and session state' \
                'get' 'Print one setting of the profile' \
                'set' 'Change one setting of the profile (an unknown profile is created)' \
                'unset' 'Remove one setting of the profile (the default applies again)' \
                'path' 'Show where settings, credentials and the lock files live (session_lock is the profile\'s)'
        case 'services'
            printf '%s\t%s\n' \
                'list' 'List the services customers can book' \
                'get' 'Show one service' \
                'categories' 'List the service categories, with how many services each has'
        case 'bookings'
            printf '%s\t%s\n' \
                'list' 'List bookings you can see (customers: their own; vendors: their jobs; operators: all)' \
                'get' 'Show one booking' \
                'create' 'Book a service at a pincode and time' \
                'update' 'Change a booking\'s notes, time, status or any other field' \
                'cancel' 'Cancel a booking' \
                'accept' 'Accept a pending booking as its vendor' \
                'complete' 'Mark a job done as its vendor and print the payment intent it creates' \
                'request-signature' 'Ask the customer to sign off a completed job' \
                'wait' 'Block until a booking reaches a status, then print it'
        case 'pricing'
            printf '%s\t%s\n' \
                'quote' 'Quote the dynamic price of a service at a pincode and time' \
                'predict' 'Predict a service\'s price at a pincode for the coming days'
        case 'scheduling'
            printf '%s\t%s\n' \
                'slots' 'List a vendor\'s time slots for a service on a day' \
                'suggest' 'Suggest the best slot for a vendor, service, pincode and day' \
                'optimize' 'Show the suggested order and timing of a vendor\'s jobs on a day (vendors: their own)'
        case 'vendors'
            printf '%s\t%s\n' \
                'search' 'Find vendors serving a pincode, nearest first'
        case 'signatures'
            printf '%s\t%s\n' \
                'list' 'List sign-off requests (customers: to sign; vendors: requested)' \
                'sign' 'Sign off a completed job with a satisfaction rating (customers)' \
                'request' 'Request a customer\'s signature with photos of the work attached (vendors)' \
                'reject' 'Refuse to sign and open a dispute instead (customers)'
        case 'photos'
            printf '%s\t%s\n' \
                'list' 'List the photos of the bookings you can see, or of one booking' \
                'upload' 'Upload a before, after or additional photo of a job (vendors)' \
                'delete' 'Delete a photo you uploaded'
        case 'disputes'
            printf '%s\t%s\n' \
                'list' 'List the disputes you are part of (operators: all)' \
                'get' 'Show one dispute, evidence and resolution included' \
                'create' 'Open a dispute about a booking' \
                'messages' 'Read a dispute\'s conversation, in the server\'s order (oldest first)' \
                'send' 'Post a message, optionally with a file, to a dispute' \
                'read' 'Mark a dispute\'s messages to you as read' \
                'resolve' 'Resolve a dispute, with an optional refund amount (operators)'
        case 'admin'
            printf '%s\t%s\n' \
                'cache' 'Server cache statistics and clearing' \
                'pincodes' 'Demand, supply and zone status per pincode' \
                'stats' 'Dashboard overview: the platform\'s totals (users, bookings, revenue, disputes, …)' \
                'analytics' 'Analytics reports' \
                'history' 'The audit trail and its CSV export' \
                'notifications' 'Notification statistics, logs and manual runs' \
                'alerts' 'Business alerts: unassigned bookings, stale disputes, overdue signatures'
        case 'admin cache'
            printf '%s\t%s\n' \
                'stats' 'Show the keys, hits and misses of each server cache' \
                'clear' 'Clear one server cache, or all of them'
        case 'admin analytics'
            printf '%s\t%s\n' \
                'pincode' 'Booking, revenue and vendor figures per pincode over a period'
        case 'admin history'
            printf '%s\t%s\n' \
                'export' 'Export the audit trail as CSV to a file or stdout (operators)'
        case 'admin notifications'
            printf '%s\t%s\n' \
                'stats' 'Notification delivery statistics' \
                'trigger' 'Run a scheduled notification task now' \
                'logs' 'Sent notifications, newest first, with delivery status'
        case 'ai'
            printf '%s\t%s\n' \
                'pincode' 'AI analysis of a pincode: demand forecast, supply gaps, recommendations' \
                'dispute' 'AI-suggested resolution of a dispute, with its reasoning' \
                'vendor-bonus' 'ML analysis of vendor bonuses: who earned one, and how much'
        case 'watch'
            printf '%s\t%s\n' \
                'booking' 'Follow a booking\'s live events' \
                'notifications' 'Follow a user\'s notifications' \
                'chat' 'Follow (and optionally send to) a user\'s chat channel' \
                'status' 'Follow live status updates for a user and role'
        case 'completion'
            printf '%s\t%s\n' \
                'bash' 'Print the bash completion script' \
                'zsh' 'Print the zsh completion script' \
                'fish' 'Print the fish completion script' \
                'man' 'Print the manual page (roff) for man(1)'
    end
end

# Succeeds when the path names a command (it may also have subcommands).
function __homeserve_is_command
    contains -- $argv[1] \
        'auth login' \
        'auth otp send' \
        'auth otp verify' \
        'auth refresh' \
        'auth status' \
        'auth token' \
        'auth logout' \
        'config list' \
        'config profiles' \
        'config get' \
        'config set' \
        'config unset' \
        'config path' \
        'services list' \
        'services get' \
        'services categories' \
        'bookings list' \
        'bookings get' \
        'bookings create' \
        'bookings update' \
        'bookings cancel' \
        'bookings accept' \
        'bookings complete' \
        'bookings request-signature' \
        'bookings wait' \
        'pricing quote' \
        'pricing predict' \
        'scheduling slots' \
        'scheduling suggest' \
        'scheduling optimize' \
        'vendors search' \
        'signatures list' \
        'signatures sign' \
        'signatures request' \
        'signatures reject' \
        'photos list' \
        'photos upload' \
        'photos delete' \
        'disputes list' \
        'disputes get' \
        'disputes create' \
        'disputes messages' \
        'disputes send' \
        'disputes read' \
        'disputes resolve' \
        'admin cache stats' \
        'admin cache clear' \
        'admin pincodes' \
        'admin stats' \
        'admin analytics pincode' \
        'admin history' \
        'admin history export' \
        'admin notifications stats' \
        'admin notifications trigger' \
        'admin notifications logs' \
        'admin alerts' \
        'ai pincode' \
        'ai dispute' \
        'ai vendor-bonus' \
        'api' \
        'watch booking' \
        'watch notifications' \
        'watch chat' \
        'watch status' \
        'doctor' \
        'smoke' \
        'completion bash' \
        'completion zsh' \
        'completion fish' \
        'completion man'
end

# A command's own flags.
function __homeserve_flags
    switch $argv[1]
        case 'auth login'
            printf '%s\t%s\n' \
                '--username' 'Account username (prompted for on a terminal if omitted)' \
                '--password-stdin' 'Read the password from the first line of stdin'
        case 'auth otp send'
            printf '%s\t%s\n' \
                '--email' 'Email address the code is sent to' \
                '--phone' 'Phone number the code is sent to by SMS' \
                '--vendor' 'Use the vendor OTP endpoints (/auth/vendor/…)'
        case 'auth otp verify'
            printf '%s\t%s\n' \
                '--email' 'Email address the code is sent to' \
                '--phone' 'Phone number the code is sent to by SMS' \
                '--vendor' 'Use the vendor OTP endpoints (/auth/vendor/…)' \
                '--otp-stdin' 'Read the code from the first line of stdin'
        case 'auth status'
            printf '%s\t%s\n' \
                '--offline' 'Do not ask the server; report what is stored'
        case 'services list'
            printf '%s\t%s\n' \
                '--category' 'Only services in this category' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'services categories'
            printf '%s\t%s\n' \
                '--parallel' 'Pages of services fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'bookings list'
            printf '%s\t%s\n' \
                '--status' 'Only bookings in these statuses' \
                '--pincode' 'Only bookings in this pincode' \
                '--from' 'Only bookings scheduled on or after this day' \
                '--to' 'Only bookings scheduled up to this day' \
                '--customer' 'Only bookings of this customer id (operators)' \
                '--vendor' 'Only bookings of this vendor id (operators)' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'bookings create'
            printf '%s\t%s\n' \
                '--service' 'Service id (see \'homeserve services list\')' \
                '--pincode' 'Where the service is needed' \
                '--date' 'When, as ISO-8601 or e.g. \'tomorrow 10:00\'' \
                '--notes' 'Notes for the vendor' \
                '--price' 'Agreed total price; the server prices the booking when omitted'
        case 'bookings update'
            printf '%s\t%s\n' \
                '--notes' 'New customer notes (customer_notes)' \
                '--vendor-notes' 'New vendor notes (vendor_notes)' \
                '--date' 'New scheduled time (scheduled_date)' \
                '--status' 'New status' \
                '--set' 'Set any field by its API name (numbers, true, false and null are sent typed)'
        case 'bookings wait'
            printf '%s\t%s\n' \
                '--status' 'Status to wait for' \
                '--timeout' 'Give up (exit 11) after SECONDS' \
                '--poll' 'Seconds between fallback polls' \
                '--reconnect-attempts' 'Reconnects before giving up' \
                '--reconnect-delay' 'Seconds between reconnects'
        case 'pricing quote'
            printf '%s\t%s\n' \
                '--service' 'Service id (see \'homeserve services list\')' \
                '--pincode' 'Where the service is needed' \
                '--at' 'When the service would take place (scheduled_datetime), e.g. \'saturday 18:00\''
        case 'pricing predict'
            printf '%s\t%s\n' \
                '--service' 'Service id (see \'homeserve services list\')' \
                '--pincode' 'Where the service is needed' \
                '--days' 'How many days ahead'
        case 'scheduling slots'
            printf '%s\t%s\n' \
                '--vendor' 'Vendor id (see \'homeserve vendors search\')' \
                '--service' 'Service id (see \'homeserve services list\')' \
                '--pincode' 'The customer\'s pincode' \
                '--date' 'The day wanted, e.g. 2026-12-01 or tomorrow'
        case 'scheduling suggest'
            printf '%s\t%s\n' \
                '--vendor' 'Vendor id (see \'homeserve vendors search\')' \
                '--service' 'Service id (see \'homeserve services list\')' \
                '--pincode' 'The customer\'s pincode' \
                '--date' 'The day wanted, e.g. 2026-12-01 or tomorrow'
        case 'scheduling optimize'
            printf '%s\t%s\n' \
                '--date' 'The day to optimise' \
                '--vendor' 'The vendor whose day it is (operators; a vendor\'s own by default)'
        case 'vendors search'
            printf '%s\t%s\n' \
                '--pincode' 'Where the service is needed' \
                '--service' 'Only vendors offering this service id'
        case 'signatures list'
            printf '%s\t%s\n' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'signatures sign'
            printf '%s\t%s\n' \
                '--rating' 'Satisfaction from 1 (poor) to 5 (excellent)' \
                '--comments' 'What you thought of the job'
        case 'signatures request'
            printf '%s\t%s\n' \
                '--booking' 'Booking the signature is for' \
                '--photo' 'Photo id to show the customer'
        case 'signatures reject'
            printf '%s\t%s\n' \
                '--reason' 'Why the work is not accepted' \
                '--evidence' 'Supporting evidence as JSON'
        case 'photos list'
            printf '%s\t%s\n' \
                '--booking' 'Only the photos of this booking' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'photos upload'
            printf '%s\t%s\n' \
                '--booking' 'Booking the photo belongs to' \
                '--type' 'When the photo was taken' \
                '--description' 'What the photo shows'
        case 'disputes list'
            printf '%s\t%s\n' \
                '--status' 'Only disputes in these statuses' \
                '--booking' 'Only disputes about this booking' \
                '--type' 'Only disputes of this type' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'disputes create'
            printf '%s\t%s\n' \
                '--booking' 'Booking in dispute' \
                '--type' 'Kind of dispute' \
                '--title' 'One-line summary' \
                '--description' 'What happened' \
                '--evidence' 'Evidence as JSON'
        case 'disputes messages'
            printf '%s\t%s\n' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'disputes send'
            printf '%s\t%s\n' \
                '--message' 'The message text' \
                '--message-file' 'Read the message text from a file, or - for stdin' \
                '--attachment' 'A file to attach (photo, PDF, …; at most 10 MB)'
        case 'disputes resolve'
            printf '%s\t%s\n' \
                '--notes' 'The resolution, as the parties will read it' \
                '--amount' 'Amount refunded or credited' \
                '--evidence' 'Evidence as JSON'
        case 'admin cache clear'
            printf '%s\t%s\n' \
                '--type' 'all, or the name of one cache (\'homeserve admin cache stats\' lists them)'
        case 'admin pincodes'
            printf '%s\t%s\n' \
                '--service-type' 'Only bookings of this service category' \
                '--days-back' 'How many days to look back (server default: 30)'
        case 'admin analytics pincode'
            printf '%s\t%s\n' \
                '--pincode' 'Only this pincode' \
                '--from' 'From this day (date_from)' \
                '--to' 'Up to this day (date_to)' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'admin history'
            printf '%s\t%s\n' \
                '--model' 'Only changes to this model, e.g. Booking' \
                '--user' 'Only changes made by this username' \
                '--action' 'Only this action' \
                '--from' 'Changes on or after this day (start_date)' \
                '--to' 'Changes up to this day (end_date)' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'admin history export'
            printf '%s\t%s\n' \
                '--model' 'Only changes to this model, e.g. Booking' \
                '--user' 'Only changes made by this username' \
                '--action' 'Only this action' \
                '--from' 'Changes on or after this day (start_date)' \
                '--to' 'Changes up to this day (end_date)' \
                '--out' 'File to write the CSV to (mode 600, replaced atomically; - is stdout)'
        case 'admin notifications logs'
            printf '%s\t%s\n' \
                '--type' 'Only this notification type' \
                '--method' 'Only this channel' \
                '--status' 'Only this delivery status' \
                '--recipient' 'Only notifications to this user id (recipient_id)' \
                '--from' 'Sent on or after this day (date_from)' \
                '--to' 'Sent up to this day (date_to)' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'admin alerts'
            printf '%s\t%s\n' \
                '--type' 'Only this alert type' \
                '--severity' 'Only this severity' \
                '--status' 'Only this status' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'ai pincode'
            printf '%s\t%s\n' \
                '--pincode' 'The pincode to analyse' \
                '--days' 'How many days of history to analyse'
        case 'ai vendor-bonus'
            printf '%s\t%s\n' \
                '--vendor' 'Only this vendor id' \
                '--days' 'How many days of history to analyse'
        case 'api'
            printf '%s\t%s\n' \
                '--field' 'Add a typed field: numbers, true/false and null keep their JSON type, @FILE reads a file and @- stdin (query for GET/HEAD, JSON body otherwise)' \
                '--raw-field' 'Add a string field, sent as is' \
                '--header' 'Add a request header to every request of the call; one homeserve sets (Accept, Content-Type, User-Agent) is replaced; Authorization, Cookie and the headers that frame a message are refused' \
                '--input' 'JSON body from a file, or - for stdin (checked before sending)' \
                '--paginate' 'Follow every page of a GET listing, printing the items (like --all)' \
                '--include' 'Print a successful answer\'s status line and headers before its body' \
                '--out' 'Write the body to FILE instead of stdout (replaced when complete)' \
                '--page' 'Page to fetch (with --all or --limit: the page to start from)' \
                '--page-size' 'Rows per page, sent as the endpoint\'s page-size parameter' \
                '--limit' 'Stop after N rows, following pages as needed (the server\'s first N; --sort-by sorts those)' \
                '--all' 'Follow every page to the end (streamed; memory stays flat)' \
                '--parallel' 'With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)'
        case 'watch booking'
            printf '%s\t%s\n' \
                '--count' 'Exit 0 after N messages' \
                '--until' 'Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE' \
                '--timeout' 'Follow for SECONDS, connecting included, then exit 0; with --count or --until, exit 11 if they were not met (default: for ever)' \
                '--reconnect-attempts' 'Reconnects before giving up' \
                '--reconnect-delay' 'Seconds between reconnects'
        case 'watch notifications'
            printf '%s\t%s\n' \
                '--user' 'User id (default: the logged-in user)' \
                '--count' 'Exit 0 after N messages' \
                '--until' 'Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE' \
                '--timeout' 'Follow for SECONDS, connecting included, then exit 0; with --count or --until, exit 11 if they were not met (default: for ever)' \
                '--reconnect-attempts' 'Reconnects before giving up' \
                '--reconnect-delay' 'Seconds between reconnects'
        case 'watch chat'
            printf '%s\t%s\n' \
                '--user' 'User id (default: the logged-in user)' \
                '--role' 'Role in the channel path (default: the logged-in user\'s)' \
                '--count' 'Exit 0 after N messages' \
                '--until' 'Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE' \
                '--timeout' 'Follow for SECONDS, connecting included, then exit 0; with --count or --until, exit 11 if they were not met (default: for ever)' \
                '--reconnect-attempts' 'Reconnects before giving up' \
                '--reconnect-delay' 'Seconds between reconnects' \
                '--send' 'JSON message to send once connected (again only after a connection refused with close 4001 before it delivered anything)'
        case 'watch status'
            printf '%s\t%s\n' \
                '--user' 'User id (default: the logged-in user)' \
                '--role' 'Role in the channel path (default: the logged-in user\'s)' \
                '--count' 'Exit 0 after N messages' \
                '--until' 'Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE' \
                '--timeout' 'Follow for SECONDS, connecting included, then exit 0; with --count or --until, exit 11 if they were not met (default: for ever)' \
                '--reconnect-attempts' 'Reconnects before giving up' \
                '--reconnect-delay' 'Seconds between reconnects'
        case 'smoke'
            printf '%s\t%s\n' \
                '--as' 'Run a role\'s cases with another profile: ROLE=PROFILE (roles: customer, vendor, onboard_manager, ops_manager, super_admin)' \
                '--write' 'Add a booking round trip (create, get, cancel) as a customer; the booking is cancelled afterwards' \
                '--ws' 'Open each WebSocket channel, hold it half a second, close it' \
                '--junit' 'Write the results as JUnit XML to FILE, for CI systems' \
                '--pincode' 'Pincode the pricing, vendor and scheduling cases ask about'
    end
end

# The global flags, valid everywhere.
function __homeserve_global_flags
    printf '%s\t%s\n' \
        '--profile' 'Profile to use (settings and credentials are kept per profile; also HOMESERVE_PROFILE)' \
        '--url' 'API base URL for this call (beats HOMESERVE_URL and the profile\'s url)' \
        '--output' 'Output format; -o, then HOMESERVE_OUTPUT, then the profile\'s output on a terminal; else table on a terminal, json otherwise' \
        '--fields' 'Fields of the rows to show' \
        '--jq' 'Filter what -o json would print with a jq expression; strings print raw, one result per line' \
        '--sort-by' 'Sort rows by a field (dot path), -PATH for descending; numbers as numbers, stable' \
        '--no-headers' 'Leave out the header row of table, csv and tsv output' \
        '--wide' 'Print tables whole, every column and every cell uncut, instead of fitting the terminal\'s width' \
        '--timeout' 'Seconds one request attempt may take; retries and their waits get at most timeout × (retries + 1)' \
        '--retries' 'Retries after connection failures, rate limiting and an unavailable server (idempotent requests only)' \
        '--insecure' 'Do not verify TLS certificates' \
        '--cacert' 'CA certificate bundle (PEM) to verify the server with' \
        '--dry-run' 'Print the HTTP requests as JSON lines instead of sending them (secrets as ***)' \
        '--verbose' 'Log requests and responses on stderr (secrets redacted)' \
        '--quiet' 'No informational messages on stderr; errors and warnings still show' \
        '--no-color' 'Never colour output (also: NO_COLOR)' \
        '--help' 'Show help for the command' \
        '--version' 'Print the version'
end

# Help topics, for 'homeserve help TOPIC'.
function __homeserve_topics
    printf '%s\t%s\n' \
        'exit-codes' 'Exit status' \
        'environment' 'Environment variables' \
        'output' 'Output formats and the output rule' \
        'sessions' 'Sessions, tokens and unattended use' \
        'dates' 'Dates and times'
end

# A flag as the walker needs it: its long name, 'many' if it may be given again or 'once', then how
# its value completes: none (a switch), switch (a switch with a --no- form), choice WORDS..., list
# WORDS... (comma-separated), file, payload, profile or text. Nothing for an unknown flag.
function __homeserve_flag
    switch "$argv[1] $argv[2]"
        case 'auth login --username'
            echo '--username once text'
        case 'auth login --password-stdin'
            echo '--password-stdin once switch'
        case 'auth otp send --email'
            echo '--email once text'
        case 'auth otp send --phone'
            echo '--phone once text'
        case 'auth otp send --vendor'
            echo '--vendor once switch'
        case 'auth otp verify --email'
            echo '--email once text'
        case 'auth otp verify --phone'
            echo '--phone once text'
        case 'auth otp verify --vendor'
            echo '--vendor once switch'
        case 'auth otp verify --otp-stdin'
            echo '--otp-stdin once switch'
        case 'auth status --offline'
            echo '--offline once switch'
        case 'services list --category'
            echo '--category once text'
        case 'services list --page'
            echo '--page once text'
        case 'services list --page-size'
            echo '--page-size once text'
        case 'services list --limit'
            echo '--limit once text'
        case 'services list --all'
            echo '--all once switch'
        case 'services list --parallel'
            echo '--parallel once text'
        case 'services categories --parallel'
            echo '--parallel once text'
        case 'bookings list --status'
            echo '--status many list pending confirmed in_progress completed signed cancelled disputed'
        case 'bookings list --pincode'
            echo '--pincode once text'
        case 'bookings list --from'
            echo '--from once text'
        case 'bookings list --to'
            echo '--to once text'
        case 'bookings list --customer'
            echo '--customer once text'
        case 'bookings list --vendor'
            echo '--vendor once text'
        case 'bookings list --page'
            echo '--page once text'
        case 'bookings list --page-size'
            echo '--page-size once text'
        case 'bookings list --limit'
            echo '--limit once text'
        case 'bookings list --all'
            echo '--all once switch'
        case 'bookings list --parallel'
            echo '--parallel once text'
        case 'bookings create --service'
            echo '--service once text'
        case 'bookings create --pincode'
            echo '--pincode once text'
        case 'bookings create --date'
            echo '--date once text'
        case 'bookings create --notes'
            echo '--notes once text'
        case 'bookings create --price'
            echo '--price once text'
        case 'bookings update --notes'
            echo '--notes once text'
        case 'bookings update --vendor-notes'
            echo '--vendor-notes once text'
        case 'bookings update --date'
            echo '--date once text'
        case 'bookings update --status'
            echo '--status once choice pending confirmed in_progress completed signed cancelled disputed'
        case 'bookings update --set'
            echo '--set many text'
        case 'bookings wait --status'
            echo '--status once choice pending confirmed in_progress completed signed cancelled disputed'
        case 'bookings wait --timeout'
            echo '--timeout once text'
        case 'bookings wait --poll'
            echo '--poll once text'
        case 'bookings wait --reconnect-attempts'
            echo '--reconnect-attempts once text'
        case 'bookings wait --reconnect-delay'
            echo '--reconnect-delay once text'
        case 'pricing quote --service'
            echo '--service once text'
        case 'pricing quote --pincode'
            echo '--pincode once text'
        case 'pricing quote --at'
            echo '--at once text'
        case 'pricing predict --service'
            echo '--service once text'
        case 'pricing predict --pincode'
            echo '--pincode once text'
        case 'pricing predict --days'
            echo '--days once text'
        case 'scheduling slots --vendor'
            echo '--vendor once text'
        case 'scheduling slots --service'
            echo '--service once text'
        case 'scheduling slots --pincode'
            echo '--pincode once text'
        case 'scheduling slots --date'
            echo '--date once text'
        case 'scheduling suggest --vendor'
            echo '--vendor once text'
        case 'scheduling suggest --service'
            echo '--service once text'
        case 'scheduling suggest --pincode'
            echo '--pincode once text'
        case 'scheduling suggest --date'
            echo '--date once text'
        case 'scheduling optimize --date'
            echo '--date once text'
        case 'scheduling optimize --vendor'
            echo '--vendor once text'
        case 'vendors search --pincode'
            echo '--pincode once text'
        case 'vendors search --service'
            echo '--service once text'
        case 'signatures list --page'
            echo '--page once text'
        case 'signatures list --page-size'
            echo '--page-size once text'
        case 'signatures list --limit'
            echo '--limit once text'
        case 'signatures list --all'
            echo '--all once switch'
        case 'signatures list --parallel'
            echo '--parallel once text'
        case 'signatures sign --rating'
            echo '--rating once text'
        case 'signatures sign --comments'
            echo '--comments once text'
        case 'signatures request --booking'
            echo '--booking once text'
        case 'signatures request --photo'
            echo '--photo many text'
        case 'signatures reject --reason'
            echo '--reason once text'
        case 'signatures reject --evidence'
            echo '--evidence once payload'
        case 'photos list --booking'
            echo '--booking once text'
        case 'photos list --page'
            echo '--page once text'
        case 'photos list --page-size'
            echo '--page-size once text'
        case 'photos list --limit'
            echo '--limit once text'
        case 'photos list --all'
            echo '--all once switch'
        case 'photos list --parallel'
            echo '--parallel once text'
        case 'photos upload --booking'
            echo '--booking once text'
        case 'photos upload --type'
            echo '--type once choice before after additional'
        case 'photos upload --description'
            echo '--description once text'
        case 'disputes list --status'
            echo '--status many list open in_progress resolved escalated closed'
        case 'disputes list --booking'
            echo '--booking once text'
        case 'disputes list --type'
            echo '--type once choice quality incomplete_work damage billing no_show behavior other'
        case 'disputes list --page'
            echo '--page once text'
        case 'disputes list --page-size'
            echo '--page-size once text'
        case 'disputes list --limit'
            echo '--limit once text'
        case 'disputes list --all'
            echo '--all once switch'
        case 'disputes list --parallel'
            echo '--parallel once text'
        case 'disputes create --booking'
            echo '--booking once text'
        case 'disputes create --type'
            echo '--type once choice quality incomplete_work damage billing no_show behavior other'
        case 'disputes create --title'
            echo '--title once text'
        case 'disputes create --description'
            echo '--description once text'
        case 'disputes create --evidence'
            echo '--evidence once payload'
        case 'disputes messages --page'
            echo '--page once text'
        case 'disputes messages --page-size'
            echo '--page-size once text'
        case 'disputes messages --limit'
            echo '--limit once text'
        case 'disputes messages --all'
            echo '--all once switch'
        case 'disputes messages --parallel'
            echo '--parallel once text'
        case 'disputes send --message'
            echo '--message once text'
        case 'disputes send --message-file'
            echo '--message-file once file'
        case 'disputes send --attachment'
            echo '--attachment once file'
        case 'disputes resolve --notes'
            echo '--notes once text'
        case 'disputes resolve --amount'
            echo '--amount once text'
        case 'disputes resolve --evidence'
            echo '--evidence once payload'
        case 'admin cache clear --type'
            echo '--type once choice all pricing vendor_search services'
        case 'admin pincodes --service-type'
            echo '--service-type once text'
        case 'admin pincodes --days-back'
            echo '--days-back once text'
        case 'admin analytics pincode --pincode'
            echo '--pincode once text'
        case 'admin analytics pincode --from'
            echo '--from once text'
        case 'admin analytics pincode --to'
            echo '--to once text'
        case 'admin analytics pincode --page'
            echo '--page once text'
        case 'admin analytics pincode --page-size'
            echo '--page-size once text'
        case 'admin analytics pincode --limit'
            echo '--limit once text'
        case 'admin analytics pincode --all'
            echo '--all once switch'
        case 'admin analytics pincode --parallel'
            echo '--parallel once text'
        case 'admin history --model'
            echo '--model once text'
        case 'admin history --user'
            echo '--user once text'
        case 'admin history --action'
            echo '--action once choice create update delete'
        case 'admin history --from'
            echo '--from once text'
        case 'admin history --to'
            echo '--to once text'
        case 'admin history --page'
            echo '--page once text'
        case 'admin history --page-size'
            echo '--page-size once text'
        case 'admin history --limit'
            echo '--limit once text'
        case 'admin history --all'
            echo '--all once switch'
        case 'admin history --parallel'
            echo '--parallel once text'
        case 'admin history export --model'
            echo '--model once text'
        case 'admin history export --user'
            echo '--user once text'
        case 'admin history export --action'
            echo '--action once choice create update delete'
        case 'admin history export --from'
            echo '--from once text'
        case 'admin history export --to'
            echo '--to once text'
        case 'admin history export --out'
            echo '--out once file'
        case 'admin notifications logs --type'
            echo '--type once choice booking_reminder booking_created booking_confirmed signature_request dispute_opened'
        case 'admin notifications logs --method'
            echo '--method once choice email sms websocket'
        case 'admin notifications logs --status'
            echo '--status once choice pending sent delivered failed'
        case 'admin notifications logs --recipient'
            echo '--recipient once text'
        case 'admin notifications logs --from'
            echo '--from once text'
        case 'admin notifications logs --to'
            echo '--to once text'
        case 'admin notifications logs --page'
            echo '--page once text'
        case 'admin notifications logs --page-size'
            echo '--page-size once text'
        case 'admin notifications logs --limit'
            echo '--limit once text'
        case 'admin notifications logs --all'
            echo '--all once switch'
        case 'admin notifications logs --parallel'
            echo '--parallel once text'
        case 'admin alerts --type'
            echo '--type once choice unassigned_booking high_demand no_vendor_coverage stale_dispute'
        case 'admin alerts --severity'
            echo '--severity once choice low medium high critical'
        case 'admin alerts --status'
            echo '--status once choice active acknowledged resolved ignored'
        case 'admin alerts --page'
            echo '--page once text'
        case 'admin alerts --page-size'
            echo '--page-size once text'
        case 'admin alerts --limit'
            echo '--limit once text'
        case 'admin alerts --all'
            echo '--all once switch'
        case 'admin alerts --parallel'
            echo '--parallel once text'
        case 'ai pincode --pincode'
            echo '--pincode once text'
        case 'ai pincode --days'
            echo '--days once text'
        case 'ai vendor-bonus --vendor'
            echo '--vendor once text'
        case 'ai vendor-bonus --days'
            echo '--days once text'
        case 'api --field' 'api -F'
            echo '--field many text'
        case 'api --raw-field' 'api -f'
            echo '--raw-field many text'
        case 'api --header' 'api -H'
            echo '--header many text'
        case 'api --input'
            echo '--input once file'
        case 'api --paginate'
            echo '--paginate once switch'
        case 'api --include' 'api -i'
            echo '--include once switch'
        case 'api --out'
            echo '--out once file'
        case 'api --page'
            echo '--page once text'
        case 'api --page-size'
            echo '--page-size once text'
        case 'api --limit'
            echo '--limit once text'
        case 'api --all'
            echo '--all once switch'
        case 'api --parallel'
            echo '--parallel once text'
        case 'watch booking --count'
            echo '--count once text'
        case 'watch booking --until'
            echo '--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed'
        case 'watch booking --timeout'
            echo '--timeout once text'
        case 'watch booking --reconnect-attempts'
            echo '--reconnect-attempts once text'
        case 'watch booking --reconnect-delay'
            echo '--reconnect-delay once text'
        case 'watch notifications --user'
            echo '--user once text'
        case 'watch notifications --count'
            echo '--count once text'
        case 'watch notifications --until'
            echo '--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed'
        case 'watch notifications --timeout'
            echo '--timeout once text'
        case 'watch notifications --reconnect-attempts'
            echo '--reconnect-attempts once text'
        case 'watch notifications --reconnect-delay'
            echo '--reconnect-delay once text'
        case 'watch chat --user'
            echo '--user once text'
        case 'watch chat --role'
            echo '--role once choice customer vendor onboard_manager ops_manager super_admin'
        case 'watch chat --count'
            echo '--count once text'
        case 'watch chat --until'
            echo '--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed'
        case 'watch chat --timeout'
            echo '--timeout once text'
        case 'watch chat --reconnect-attempts'
            echo '--reconnect-attempts once text'
        case 'watch chat --reconnect-delay'
            echo '--reconnect-delay once text'
        case 'watch chat --send'
            echo '--send once payload'
        case 'watch status --user'
            echo '--user once text'
        case 'watch status --role'
            echo '--role once choice customer vendor onboard_manager ops_manager super_admin'
        case 'watch status --count'
            echo '--count once text'
        case 'watch status --until'
            echo '--until once choice booking_status_change signature_request payment_update chat_message notification booking_status_change:status=completed'
        case 'watch status --timeout'
            echo '--timeout once text'
        case 'watch status --reconnect-attempts'
            echo '--reconnect-attempts once text'
        case 'watch status --reconnect-delay'
            echo '--reconnect-delay once text'
        case 'smoke --as'
            echo '--as many text'
        case 'smoke --write'
            echo '--write once switch'
        case 'smoke --ws'
            echo '--ws once switch'
        case 'smoke --junit'
            echo '--junit once file'
        case 'smoke --pincode'
            echo '--pincode once text'
        case '* --profile'
            echo '--profile once profile'
        case '* --url'
            echo '--url once text'
        case '* --output' '* -o'
            echo '--output once choice table json ndjson csv tsv'
        case '* --fields'
            echo '--fields once text'
        case '* --jq'
            echo '--jq once text'
        case '* --sort-by'
            echo '--sort-by once text'
        case '* --no-headers'
            echo '--no-headers once none'
        case '* --wide'
            echo '--wide once switch'
        case '* --timeout'
            echo '--timeout once text'
        case '* --retries'
            echo '--retries once text'
        case '* --insecure'
            echo '--insecure once switch'
        case '* --cacert'
            echo '--cacert once file'
        case '* --dry-run'
            echo '--dry-run once switch'
        case '* --verbose' '* -v'
            echo '--verbose once switch'
        case '* --quiet' '* -q'
            echo '--quiet once switch'
        case '* --no-color'
            echo '--no-color once none'
        case '* --help' '* -h'
            echo '--help once none'
        case '* --version'
            echo '--version once none'
    end
end

# How a command's positional argument completes, by index.
function __homeserve_argument
    switch "$argv[1] $argv[2]"
        case 'config get 0'
            echo 'choice url ws_url output timezone username password_command'
        case 'config set 0'
            echo 'choice url ws_url output timezone username password_command'
        case 'config unset 0'
            echo 'choice url ws_url output timezone username password_command'
        case 'photos upload 0'
            echo 'file'
        case 'admin notifications trigger 0'
            echo 'choice send_booking_reminders check_business_alerts expire_signatures cleanup_old_logs'
        case 'api 0'
            echo 'choice GET POST PUT PATCH DELETE HEAD'
    end
end

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
    set -l names 'default'
    for file in $dir/settings.json $dir/credentials.json
        test -r $file; or continue
        set -l depth 0
        set -l key ''
        set -l outer ''
        for token in (string match -r -a '"(?:[^"\\\\]|\\\\.)*"\s*:?|[{}]' < $file)
            switch $token
                case '{'
                    set depth (math $depth + 1)
                    test $depth -eq 2; and set outer $key
                case '}'
                    set depth (math $depth - 1)
                case '*:'
                    set key (string replace -r '^"(.*)"\s*:$' '$1' -- $token)
                    # Only names homeserve accepts.
                    if test $depth -eq 2; and test "$outer" = profiles
                        and string match -q -r '^[A-Za-z0-9._-]+$' -- $key; and not contains -- $key $names
                        set -a names $key
                    end
            end
        end
    end
    printf '%s\n' $names
end
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
                test "$record[3]" = switch; and printf '%s\t%s\n' --no-(string sub -s 3 -- $f) "Turn $f off"
            end
        end
    else if test $help -eq 1
        __homeserve_children "$cmdpath"
        test -z "$cmdpath"; and __homeserve_topics
    else
        if not __homeserve_is_command "$cmdpath"; or begin; test $ended -eq 0; and test $nargs -eq 0; end
            __homeserve_children "$cmdpath"
        end
        test -z "$cmdpath"; and printf '%s\t%s\n' help 'Help on a group, a command or a topic'
        if __homeserve_is_command "$cmdpath"
            __homeserve_complete_value '' "$cur" (__homeserve_argument "$cmdpath" $nargs | string split ' ')
        end
    end
end

complete -c homeserve -e
complete -c homeserve -f -a '(__homeserve_complete)'
