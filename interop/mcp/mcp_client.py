"""The official Python MCP SDK (PyPI `mcp`) as the client of `wamp-mcp`.

    python mcp_client.py stdio <wamp-mcp> <args...>   # spawns the bridge, talks over stdio
    python mcp_client.py http <http://host:port/mcp>  # Streamable HTTP

Lists the tools and resources the bridge serves for the Rust typed calculator
(`wamp_tests::typed::Calc`, prefix `com.typed.calc`), calls them, reads the topic resource until
an event is in it, and prints one line: RESULT <json>, which the Rust test compares.
"""

import json
import sys

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

CALC = "com.typed.calc"
TOPIC = "wamp:topic/com.typed.calc.computed"


def outcome(result):
    """A tool result as the test compares it: the structured result, or the error's content."""
    if result.is_error:
        return {"error": json.loads(result.content[0].text)}
    if result.structured_content is not None:
        return {"structured": result.structured_content}
    return {"text": result.content[0].text}


async def run(session):
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    add = tools[f"{CALC}.add"]
    out = {
        "tools": sorted(n for n in tools if n.startswith(CALC)),
        "add": {
            "input": add.input_schema,
            "output": add.output_schema,
            "description": add.description,
            "idempotent": add.annotations.idempotent_hint if add.annotations else None,
        },
        "divide_input": tools[f"{CALC}.divide"].input_schema,
        "norm_input": tools[f"{CALC}.norm"].input_schema["properties"],
        "count_output": tools[f"{CALC}.count"].output_schema["properties"],
        "any_required": tools[f"{CALC}.any"].input_schema["required"],
    }
    calls = {
        "add": (f"{CALC}.add", {"a": 2, "b": 3}),
        "big": (f"{CALC}.add", {"a": 9007199254740993, "b": 1}),
        "divide": (f"{CALC}.divide", {"dividend": 7, "divisor": 2}),
        "divide_by_zero": (f"{CALC}.divide", {"dividend": 9, "divisor": 0}),
        "norm": (f"{CALC}.norm", {"x": 3, "y": 4}),
        "count": (f"{CALC}.count", {"to": 3}),
        "too_long": (f"{CALC}.count", {"to": 5000}),
        "echo_none": (f"{CALC}.echo", {}),
        "echo_some": (f"{CALC}.echo", {"text": "hi"}),
        "nothing": (f"{CALC}.nothing", {}),
        # A prefix registration: the tool takes the concrete URI.
        "any": (f"{CALC}.any", {"procedure": "com.typed.any.mcp", "tag": "t"}),
        "any_elsewhere": (f"{CALC}.any", {"procedure": "com.other.x", "tag": "t"}),
        "wrong_type": (f"{CALC}.add", {"a": "two", "b": 3}),
        "unknown_parameter": (f"{CALC}.add", {"a": 1, "b": 2, "c": 3}),
    }
    out["calls"] = {}
    for key, (name, arguments) in calls.items():
        out["calls"][key] = outcome(await session.call_tool(name, arguments))
    resources = (await session.list_resources()).resources
    out["resources"] = sorted(str(r.uri) for r in resources)
    # The test publishes to the topic until the bridge has seen an event.
    events = []
    with anyio.fail_after(10):
        while not events:
            read = await session.read_resource(TOPIC)
            events = json.loads(read.contents[0].text)["events"]
            if not events:
                await anyio.sleep(0.1)
    out["event"] = {"topic": events[0]["topic"], "kwargs": events[0]["kwargs"]}
    return out


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=sys.argv[3:])
        transport = stdio_client(params)
    else:
        transport = streamable_http_client(sys.argv[2])
    async with transport as (read, write):
        async with ClientSession(read, write) as session:
            out = await run(session)
    print("RESULT " + json.dumps(out, sort_keys=True), flush=True)


anyio.run(main)
