#!/usr/bin/env python3
"""A server that misbehaves on purpose, one way per path prefix, for the hostile-server tests (Tests/IntegrationTests/HostileServerTests.swift).

The first path segment names the misbehaviour; the rest is the API path the client asked for, so a base
URL of http://127.0.0.1:PORT/deep makes `homeserve services get 1` ask for /deep/api/services/1/.
Prints "port N" on stdout when ready. Requests are recorded per case: GET /__log/CASE answers the list
(method, path, headers) as JSON; /__ paths are not recorded. Only Python's standard library is used.
"""
import base64, hashlib, http, json, os, random, socket, socketserver, struct, sys, threading, time, zlib

GIB = 1 << 30
LOG = {}
LOG_LOCK = threading.Lock()


def jwt(lifetime=3600, subject=1):
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"user_id": subject, "iat": now, "exp": now + lifetime, "jti": os.urandom(8).hex()}
    return part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims) + "." + base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()


USER = {"id": 1, "username": "customer1", "role": "customer"}
SERVICE = {"id": 1, "name": "Lawn mowing", "category": "garden", "price": "40.00"}
ANSI = "\x1b[31mred\x1b[0m \x1b]52;c;c2VjcmV0\x07 \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ \x9b2J done"


class Request:
    def __init__(self, method, target, headers, body):
        self.method, self.target, self.headers, self.body = method, target, headers, body
        path, _, self.query = target.partition("?")
        parts = path.split("/", 2)
        self.case = parts[1] if len(parts) > 1 else ""
        self.path = "/" + (parts[2] if len(parts) > 2 else "")
        self.params = dict(p.partition("=")[::2] for p in self.query.split("&") if p)


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.sock = self.request
        self.sock.settimeout(120)
        self.buffer = b""

    # --- reading -----------------------------------------------------------------------------------------

    def read_request(self):
        while b"\r\n\r\n" not in self.buffer:
            if self.buffer.startswith(b"\x16\x03"):
                # A TLS handshake sent to this plain-http server: rejected as a bad request line, as
                # nginx and most servers do.
                self.sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return None
            if len(self.buffer) > 1 << 20:
                return None
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, _ = lines[0].split(" ", 2)
        except ValueError:
            return None
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            # A header sent twice is kept as HTTP combines it, so a test sees both.
            headers[name] = headers[name] + ", " + value.strip() if name in headers else value.strip()
        length = int(headers.get("content-length", "0") or 0)
        if target.startswith("/slow-body/"):
            # A server slow to read a body: the client's upload waits on a full socket meanwhile.
            time.sleep(1.0)
        while len(self.buffer) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Request(method, target, headers, body)

    def handle(self):
        try:
            while True:
                request = self.read_request()
                if request is None:
                    return
                if request.case.startswith("__"):
                    self.internal(request)
                    continue
                with LOG_LOCK:
                    LOG.setdefault(request.case, []).append(
                        {"method": request.method, "path": request.path, "query": request.query, "headers": request.headers})
                behaviour = CASES.get(request.case.split("-")[0] if request.case.startswith("status-") else request.case)
                if behaviour is None:
                    self.send(404, {"detail": "no such case: " + request.case})
                    continue
                if behaviour(self, request) == "close":
                    return
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            return

    def internal(self, request):
        if request.case == "__log":
            with LOG_LOCK:
                self.send(200, LOG.get(request.path.strip("/"), []))
        else:
            self.send(404, {"detail": "unknown"})

    # --- writing -----------------------------------------------------------------------------------------

    def send(self, status, body, content_type="application/json", headers=()):
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers)
        self.sock.sendall(head.encode("latin-1") + b"\r\n" + data)

    def send_chunked_forever(self, prefix, filler, total):
        self.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        sent = 0
        chunk = prefix
        block = filler * (1 << 20)
        while sent < total:
            self.sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            chunk = block
        self.sock.sendall(b"0\r\n\r\n")
        return "close"

    def reset(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        return "close"

    # --- WebSocket ---------------------------------------------------------------------------------------

    def upgrade(self, request, extra=""):
        key = request.headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Accept: {accept}\r\n{extra}\r\n").encode())

    @staticmethod
    def frame(opcode, payload=b"", fin=True, rsv=0, masked=False, length=None):
        b0 = (0x80 if fin else 0) | rsv | opcode
        n = len(payload) if length is None else length
        mask_bit = 0x80 if masked else 0
        if n < 126:
            head = bytes([b0, mask_bit | n])
        elif n <= 0xFFFF:
            head = bytes([b0, mask_bit | 126]) + struct.pack(">H", n)
        else:
            head = bytes([b0, mask_bit | 127]) + struct.pack(">Q", n)
        if masked:
            head += b"\0\0\0\0"
        return head + payload


def event(kind, **data):
    return json.dumps({"type": kind, "data": data, "timestamp": "2026-11-25T10:00:00Z"}).encode()


# --- the cases ---------------------------------------------------------------------------------------------

def slow_body(h, r):
    """Reads a body a second after its headers, then says how many bytes came."""
    return h.send(201, {"id": 1, "received": len(r.body)})


def ok(h, r):
    """A well-behaved server: logins, refreshes and plausible answers to anything."""
    if r.path == "/auth/login/" or r.path == "/auth/refresh/":
        return h.send(200, {"access": jwt(), "refresh": "refresh-" + os.urandom(8).hex(), "user": USER})
    if r.path.startswith("/ws/"):
        h.upgrade(r)
        h.sock.sendall(h.frame(1, event("notification", text="hello")))
        time.sleep(1)
        return "close"
    if r.path.rstrip("/").split("/")[-1].isdigit() or r.method != "GET":
        return h.send(200 if r.method == "GET" else 201, dict(SERVICE, status="confirmed"))
    return h.send(200, {"count": 2, "next": None, "previous": None, "results": [SERVICE, dict(SERVICE, id=2)]})


def huge_body(h, r):
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % GIB)
    block = b"[" + b"1," * (1 << 19)
    sent = 0
    while sent < GIB:
        h.sock.sendall(block)
        sent += len(block)
    return "close"


def huge_chunked(h, r):
    return h.send_chunked_forever(b"[", b"1,", GIB)


def large_chunked(h, r):
    """A whole 24 MiB JSON object sent without a length: more than is held in memory, less than the limit."""
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    for chunk in [b'{"id": 1, "name": "'] + [b"a" * (1 << 20)] * 24 + [b'"}']:
        h.sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    h.sock.sendall(b"0\r\n\r\n")
    return "close"


def huge_string(h, r):
    return h.send_chunked_forever(b'{"id": 1, "name": "', b"a", GIB)


def base(h, r):
    return f"http://{r.headers.get('host')}/{r.case}"


def pages(h, r, rows, **extra):
    body = {"results": rows}
    body.update(extra)
    return h.send(200, body)


def next_loop(h, r):
    # Page 2 names itself as the next page.
    return pages(h, r, [dict(SERVICE, id=int(r.params.get("page", 1)))], next=base(h, r) + "/api/services/?page=2")


def next_cycle(h, r):
    # 1 → 2 → 3 → 2: a loop that only shows on the second lap.
    page = int(r.params.get("page", 1))
    return pages(h, r, [dict(SERVICE, id=page)], next=base(h, r) + f"/api/services/?page={3 if page == 2 else 2}")


def next_backwards(h, r):
    page = int(r.params.get("page", 1))
    return pages(h, r, [dict(SERVICE, id=page)], page=page, next=base(h, r) + f"/api/services/?page={page + 1 if page < 2 else 1}")


def next_elsewhere(h, r):
    return pages(h, r, [SERVICE], next="http://other.example/api/services/?page=2")


def rows_past_total(h, r):
    page = int(r.params.get("page", 1))
    return pages(h, r, [dict(SERVICE, id=page * 10 + i) for i in range(5)], count=2, next=base(h, r) + f"/api/services/?page={page + 1}")


def flood(h, burst):
    """Sends the burst again and again for 30 s, reading nothing, then closes."""
    deadline = time.time() + 30
    while time.time() < deadline:
        h.sock.sendall(burst)
    return "close"


def ws_flood_ping(h, r):
    # Pings as fast as the socket takes them, and never a read: the client's pongs pile up unread.
    h.upgrade(r)
    return flood(h, h.frame(9, b"x" * 125) * 512)


def ws_flood_empty(h, r):
    # A text message that never ends: empty continuation frames, forever.
    h.upgrade(r)
    h.sock.sendall(h.frame(1, b"", fin=False))
    return flood(h, h.frame(0, b"", fin=False) * 4096)


def ws_flood_pong(h, r):
    h.upgrade(r)
    return flood(h, h.frame(10, b"") * 4096)


MALFORMED = {
    "reserved": Handler.frame(1, b"hi", rsv=0x40),
    "opcode": Handler.frame(3, b""),
    "masked": Handler.frame(1, b"hi", masked=True),
    "length63": bytes([0x82, 127]) + b"\xff" * 8,
    "oversized": bytes([0x82, 127]) + struct.pack(">Q", 1 << 40),
    "control-fragmented": Handler.frame(9, b"", fin=False),
    "control-long": Handler.frame(9, b"x" * 200),
    "utf8": Handler.frame(1, b'{"type": "\xff\xfe"}'),
    "close-1byte": Handler.frame(8, b"\x03"),
    "orphan-continuation": Handler.frame(0, b"x"),
    "interleaved": Handler.frame(1, b"a", fin=False) + Handler.frame(1, b"b"),
    "truncated": bytes([0x81, 126, 0x10, 0x00]) + b"x" * 10,
    "not-json": Handler.frame(1, b"\x1b[2J<html>"),
}


def ws_malformed(h, r):
    kind = r.path.strip("/").split("/")[-1]
    h.upgrade(r)
    h.sock.sendall(MALFORMED[kind])
    time.sleep(1)
    return "close"


def ws_extension(h, r):
    h.upgrade(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
    time.sleep(1)
    return "close"


def ws_redirect(h, r):
    h.sock.sendall(b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://elsewhere.example/ws/?token=abc123456789\r\n"
                   b"Content-Length: 4\r\n\r\nnope")
    time.sleep(0.2)
    return "close"


def ws_bad_accept(h, r):
    h.sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: nope\r\n\r\n")
    time.sleep(1)
    return "close"


def ws_endless_headers(h, r):
    h.sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\n")
    return flood(h, b"X-Filler: " + b"a" * 1000 + b"\r\n")


def retry_after(h, r):
    return h.send(429, {"detail": "slow down"}, headers=[("Retry-After", "999999")])


def retry_after_503(h, r):
    return h.send(503, {"detail": "maintenance"}, headers=[("Retry-After", "999999")])


def html_500(h, r):
    return h.send(500, b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1>" + b"x" * 5000 + b"</body></html>",
                  content_type="text/html")


def html_as_json(h, r):
    return h.send(200, b"<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body></body></html>")


def lying_length(h, r):
    h.sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"id": 1, "name": "Lawn mo')
    return h.reset() if r.params.get("rst") else "close"


def bad_gzip(h, r):
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 12\r\n\r\nnot gzip at all"[:-3])
    return "close"


def not_http(h, r):
    # Something on the port that is not an HTTP server.
    h.sock.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    return "close"


def deep(h, r):
    return h.send(200, b"[" * 200000 + b"]" * 200000)


def deep_object(h, r):
    return h.send(200, b'{"a":' * 200000 + b"1" + b"}" * 200000)


def huge_numbers(h, r):
    big = b"9" * 100000
    return h.send(200, b'{"id": 1e999999, "name": "numbers", "price": -1e-999999, "count": 123456789012345678901234567890, '
                       b'"rating": 1.7976931348623157e309, "big": ' + big + b', "neg": -' + big + b"}")


def bad_utf8(h, r):
    return h.send(200, b'{"id": 1, "name": "caf\xc3(\xff\xfe\xed\xa0\x80 end", "\xc0\xafkey": "x"}')


def unauthorized(h, r):
    return h.send(401, {"detail": "Given token not valid for any token type", "code": "token_not_valid"})


def drip(h, r):
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
    for _ in range(600):
        time.sleep(0.2)
        h.sock.sendall(b" ")
    return "close"


def drip_headers(h, r):
    h.sock.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(600):
        time.sleep(0.2)
        h.sock.sendall(b"X-Slow: 1\r\n")
    return "close"


def silent(h, r):
    time.sleep(60)
    return "close"


def reset(h, r):
    return h.reset()


def status(h, r):
    code = int(r.case.split("-")[1])
    headers = []
    if 300 <= code < 400 and code != 399:
        headers.append(("Location", "http://elsewhere.example/api/elsewhere/"))
    if code == 429:
        headers.append(("Retry-After", "0"))
    return h.send(code, {"detail": f"status {code} on purpose"}, headers=headers)


def redirect_self(h, r):
    return h.send(302, {"detail": "again"}, headers=[("Location", f"/{r.case}{r.path}?again={random.random()}")])


def refresh_no_token(h, r):
    if r.path == "/auth/refresh/":
        return h.send(200, {"detail": "refreshed", "user": USER})
    return unauthorized(h, r)


def ansi(h, r):
    if r.method != "GET":
        return h.send(400, {"detail": "bad " + ANSI, "name": ["field " + ANSI]})
    if r.path.rstrip("/").split("/")[-1].isdigit():
        return h.send(200, dict(SERVICE, name=ANSI, description="line1\nline2\r\tend"))
    return h.send(200, {"count": 1, "next": None, "results": [dict(SERVICE, name=ANSI)]})


def ansi_error(h, r):
    return h.send(404, {"detail": "no such thing " + ANSI})


def login_slow(h, r):
    """Logins and refreshes that take a while, so a kill can land in the middle of any step."""
    time.sleep(random.random() * 0.02)
    return ok(h, r)


BOMB = []


def gzip_bomb(h, r):
    # About 1 MiB on the wire, 1 GiB once inflated.
    if not BOMB:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = b"[" + b" " * ((1 << 20) - 1)
        BOMB.append(b"".join([packer.compress(block)] + [packer.compress(b" " * (1 << 20)) for _ in range(1023)] + [packer.flush()]))
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(BOMB[0]))
    h.sock.sendall(BOMB[0])
    return "close"


def many_headers(h, r):
    # 200,000 header lines before a small body.
    h.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    block = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 20) for i in range(1000))
    for _ in range(200):
        h.sock.sendall(block)
    h.sock.sendall(b'Content-Length: 9\r\n\r\n{"id": 1}')
    return "close"


def login_odd(h, r):
    """Logins answered 200 with tokens no client should keep; the kind is the segment after the case
    (a base URL of /login-odd/huge)."""
    kind = r.path.split("/")[1]
    access = {"crlf": "abc\r\nX-Injected: yes", "number": 123, "empty": "", "huge": "a" * (2 << 20),
              "escape": "\x1b]52;c;aGk=\x07", "spaces": "a b"}.get(kind, jwt())
    user = dict(USER, bio="b" * (2 << 20)) if kind == "huge-user" else USER
    return h.send(200, {"access": access, "refresh": "refresh-odd", "user": user})


def wide(h, r):
    # One object of 100,000 keys, or a page of 20,000 rows that each name other columns.
    if r.path.rstrip("/").split("/")[-1].isdigit():
        return h.send(200, b'{"id": 1, ' + b", ".join(b'"k%d": %d' % (i, i) for i in range(100000)) + b"}")
    return h.send(200, {"count": 20000, "next": None, "results": [{"id": i, f"c{i}": i} for i in range(20000)]})


CASES = {
    "ok": ok, "record": ok, "slow-body": slow_body, "huge-body": huge_body, "huge-chunked": huge_chunked, "large-chunked": large_chunked, "huge-string": huge_string,
    "next-loop": next_loop, "next-cycle": next_cycle, "next-backwards": next_backwards, "next-elsewhere": next_elsewhere,
    "rows-past-total": rows_past_total, "ws-hang": silent, "ws-flood-ping": ws_flood_ping, "ws-flood-empty": ws_flood_empty,
    "ws-flood-pong": ws_flood_pong, "ws-malformed": ws_malformed, "ws-bad-accept": ws_bad_accept, "ws-redirect": ws_redirect, "ws-extension": ws_extension,
    "ws-endless-headers": ws_endless_headers, "retry-after": retry_after, "retry-after-503": retry_after_503,
    "html-500": html_500, "html-as-json": html_as_json, "lying-length": lying_length, "deep": deep, "deep-object": deep_object,
    "huge-numbers": huge_numbers, "bad-utf8": bad_utf8, "unauthorized": unauthorized, "drip": drip,
    "drip-headers": drip_headers, "silent": silent, "reset": reset, "status": status, "redirect-self": redirect_self,
    "refresh-no-token": refresh_no_token, "ansi": ansi, "ansi-error": ansi_error, "login-slow": login_slow, "wide": wide,
    "gzip-bomb": gzip_bomb, "login-odd": login_odd, "many-headers": many_headers, "bad-gzip": bad_gzip, "not-http": not_http,
}


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    # Ends with the test that started it: stdin closes when the parent goes away.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
