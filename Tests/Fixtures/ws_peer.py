#!/usr/bin/env python3
"""An independent WebSocket server (Python's `websockets`) to check the homeserve client against.

Paths choose the behaviour:
  /ws/bookings/fragments/  a fragmented text message, a ping, then a plain message
  /ws/bookings/close/      one message, then a server-initiated close (4000, "bye")
  /ws/bookings/ping/       a ping; once the client's pong arrives, a message saying so
  /ws/chat/<u>/<r>/        echoes each message back, wrapped as chat_message
  /raw/<case>/             (raw TCP listener on the second port) hostile frames after a valid handshake
With CERT and KEY arguments, the same handler is also served over TLS (wss://).
Prints "ports WS RAW [TLS]" on stdout when ready.
"""
import asyncio, base64, hashlib, json, ssl, sys
from websockets.asyncio.server import serve


def event(kind, **data):
    return json.dumps({"type": kind, "data": data, "timestamp": "2026-11-25T10:00:00Z"})


async def handler(ws):
    path = ws.request.path.split("?")[0]
    token = ws.request.path.partition("token=")[2]
    if token != "peer-token":
        await ws.close(4001, "bad token")
        return
    if path == "/ws/bookings/fragments/":
        await ws.send([event("booking_status_change", status="confirmed")[:20], event("booking_status_change", status="confirmed")[20:]])
        await ws.ping(b"are you there")
        await ws.send(event("notification", text="after the ping"))
        await ws.wait_closed()
    elif path == "/ws/bookings/close/":
        await ws.send(event("notification", text="closing"))
        await ws.close(4000, "bye")
    elif path == "/ws/bookings/ping/":
        pong = await ws.ping(b"ping-check")
        await asyncio.wait_for(pong, 5)
        await ws.send(event("notification", text="pong received"))
        await ws.wait_closed()
    elif path.startswith("/ws/chat/"):
        async for message in ws:
            await ws.send(event("chat_message", echo=json.loads(message)))
    else:
        await ws.close(1008, "unknown path")


HOSTILE = {
    "reserved": bytes([0xC1, 0x02]) + b"hi",
    "opcode": bytes([0x83, 0x00]),
    "oversized": bytes([0x82, 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    "truncated": bytes([0x81, 0x7E, 0x10, 0x00]) + b"x" * 10,
}


async def raw(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    case = lines[0].split()[1].split("?")[0].strip("/").split("/")[-1]
    key = next(l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("sec-websocket-key"))
    accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
    writer.write(HOSTILE[case])
    await writer.drain()
    await asyncio.sleep(0.5)
    writer.close()


async def main():
    async with serve(handler, "127.0.0.1", 0) as server:
        raw_server = await asyncio.start_server(raw, "127.0.0.1", 0)
        ws_port = server.sockets[0].getsockname()[1]
        raw_port = raw_server.sockets[0].getsockname()[1]
        if len(sys.argv) == 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            async with serve(handler, "127.0.0.1", 0, ssl=context) as tls:
                print(f"ports {ws_port} {raw_port} {tls.sockets[0].getsockname()[1]}", flush=True)
                await asyncio.Future()
        print(f"ports {ws_port} {raw_port}", flush=True)
        await asyncio.Future()


asyncio.run(main())
