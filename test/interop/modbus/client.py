"""Independent Modbus RTU master for the interop tests: pymodbus's serial client reads what it is told to and prints
the answers as JSON.

usage: /usr/bin/python3 client.py PORT SLAVE REQUESTS.json
REQUESTS: [{"fn": "ir"|"hr"|"di"|"co", "address": 5000, "count": 37}, ...]
Output (one line): [{"registers": [...]} | {"bits": [...]} | {"exception": 2} | {"error": "text"}, ...]
"""
import json
import sys

from pymodbus.client import ModbusSerialClient


def main():
    port, slave, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path) as f:
        requests = json.load(f)
    client = ModbusSerialClient(port=port, baudrate=9600, timeout=2, retries=1)
    if not client.connect():
        print(json.dumps([{"error": "cannot open " + port}]), flush=True)
        sys.exit(1)
    out = []
    for r in requests:
        fn = {
            "ir": client.read_input_registers,
            "hr": client.read_holding_registers,
            "di": client.read_discrete_inputs,
            "co": client.read_coils,
        }[r["fn"]]
        try:
            rr = fn(r["address"], r["count"], slave=slave)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out.append({"error": repr(exc)})
            continue
        if rr.isError():
            code = getattr(rr, "exception_code", None)
            out.append({"exception": code} if code is not None else {"error": str(rr)})
        elif r["fn"] in ("ir", "hr"):
            out.append({"registers": list(rr.registers)})
        else:
            out.append({"bits": [1 if b else 0 for b in rr.bits[: r["count"]]]})
    client.close()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
