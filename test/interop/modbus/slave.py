"""Independent Modbus RTU slave for the interop tests: pymodbus serving a register map built with pymodbus's own
BinaryPayloadBuilder (word/byte order implementation independent of ours).

usage: /usr/bin/python3 slave.py PORT SPEC.json
SPEC: {"slave": 7, "registers": [{"table": "hr"|"ir", "address": 0, "type": "float32", "order": "CDAB",
        "bits": "42f6e979"} | {..., "type": "int32", "int": -5}], "coils": [0, 1, ...], "discretes": [1, 0, ...]}
Prints READY once the map is built, then serves until killed.
"""
import json
import struct
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartSerialServer
from pymodbus.transaction import ModbusRtuFramer

ORDERS = {
    "ABCD": (Endian.Big, Endian.Big),
    "CDAB": (Endian.Big, Endian.Little),
    "BADC": (Endian.Little, Endian.Big),
    "DCBA": (Endian.Little, Endian.Little),
}


def words(entry):
    byteorder, wordorder = ORDERS[entry["order"]]
    b = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
    t = entry["type"]
    if t == "float32":
        b.add_32bit_float(struct.unpack(">f", bytes.fromhex(entry["bits"]))[0])
    elif t == "float64":
        b.add_64bit_float(struct.unpack(">d", bytes.fromhex(entry["bits"]))[0])
    elif t == "int32":
        b.add_32bit_int(entry["int"])
    elif t == "uint32":
        b.add_32bit_uint(entry["int"])
    elif t == "int16":
        b.add_16bit_int(entry["int"])
    elif t == "uint16":
        b.add_16bit_uint(entry["int"])
    else:
        raise ValueError("unknown type " + t)
    return b.to_registers()


def self_check():
    """The builder must produce the textbook layouts of 0x42f6e979, or the test's premise is wrong."""
    want = {"ABCD": [0x42F6, 0xE979], "CDAB": [0xE979, 0x42F6], "BADC": [0xF642, 0x79E9], "DCBA": [0x79E9, 0xF642]}
    for order, regs in want.items():
        got = words({"order": order, "type": "float32", "bits": "42f6e979"})
        if got != regs:
            print("SELF-CHECK FAILED", order, [hex(r) for r in got], flush=True)
            sys.exit(2)


def main():
    port, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    self_check()
    store = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [False] * 256),
        di=ModbusSequentialDataBlock(0, [False] * 256),
        hr=ModbusSequentialDataBlock(0, [0] * 256),
        ir=ModbusSequentialDataBlock(0, [0] * 256),
        zero_mode=True,
    )
    for e in spec["registers"]:
        store.setValues(3 if e["table"] == "hr" else 4, e["address"], words(e))
    store.setValues(1, 0, [bool(v) for v in spec.get("coils", [])])
    store.setValues(2, 0, [bool(v) for v in spec.get("discretes", [])])
    context = ModbusServerContext(slaves={spec["slave"]: store}, single=False)
    print("READY", flush=True)
    StartSerialServer(context=context, framer=ModbusRtuFramer, port=port, baudrate=9600, timeout=0.005)


if __name__ == "__main__":
    main()
