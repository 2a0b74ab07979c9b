#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# A loopback TCP relay for agent-faults.sh: killing it cuts every agent
# connection at once while the collector behind it keeps running. With
# RECORD, what clients send is also appended to that file (agent-attacks.sh
# replays it).
#   tcp-proxy.py LISTEN_PORT TARGET_PORT [RECORD]
import asyncio
import sys


RECORD = sys.argv[3] if len(sys.argv) > 3 else None


async def pipe(reader, writer, record=None):
    try:
        while data := await reader.read(65536):
            if record:
                with open(record, "ab") as f:
                    f.write(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def relay(client_r, client_w, target_port):
    try:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pipe(client_r, server_w, RECORD), pipe(server_r, client_w))


async def main(listen_port, target_port):
    server = await asyncio.start_server(
        lambda r, w: relay(r, w, target_port), "127.0.0.1", listen_port, reuse_address=True)
    async with server:
        await server.serve_forever()


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
