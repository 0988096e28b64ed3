// The compiled configuration ("plan") the device loads: one binary Storage file written by the host (build for the
// embedded default, provisioning for a site). The host validates the configuration and compiles every table the
// device runs on; the device only checks the file's integrity (SHA-256 over the body, recorded in the header) and maps
// its sections as typed-array views, so nothing is parsed or validated at boot and read-only tables stay in flash.
//
// Layout (all numbers little-endian):
//   0  'C' 'P' FORMAT 0
//   4  u32 total length
//   8  SHA-256 of bytes [BODY_AT, total)            (the plan hash: engine snapshots are bound to it)
//  40  u32 section count, then per section: u32 id, u32 offset, u32 length      (offsets from the file start)
// Sections start on 8-byte boundaries so that Float64Array views need no copy. Numeric tables are float64 rows of a
// fixed number of fields (the enums below); lists are float64; strings are one ASCII blob with an offset table.
//
// Every enum here is a `const enum`: the bundler inlines the numbers, so the layout costs the device no memory.

export const enum PlanHeader {
  MAGIC_C = 0x43,
  MAGIC_P = 0x50,
  FORMAT = 1,
  LENGTH_AT = 4,
  HASH_AT = 8,
  HASH_BYTES = 32,
  BODY_AT = 40,
  SECTION_ENTRY_BYTES = 12,
}

/** Section ids. */
export const enum Section {
  /** Strings: u32 count, u32 offsets[count + 1] (relative to the blob), then the ASCII blob. */
  STRINGS = 1,
  /** Module identity and signer: float64 fields Meta.*. */
  META = 2,
  /** Modbus buses: rows of Bus.*. */
  BUSES = 3,
  /** Modbus devices: rows of Dev.*. */
  DEVICES = 4,
  /** Poll groups: rows of Group.*. */
  GROUPS = 5,
  /** Reads (one request each): rows of Read.*. */
  READS = 6,
  /** Request frames of the reads, concatenated (Read.ADU_AT/ADU_LEN index into it). */
  ADUS = 7,
  /** Acquired channels (a register decoded into an engine channel): rows of Acq.*. */
  ACQ = 8,
  /** Status rules of the status words: rows of Rule.*. */
  RULES = 9,
  /** Engine scalars: Eng.*. */
  ENGINE = 10,
  /** Engine channels: rows of Ch.*. */
  CHANNELS = 11,
  /** Engine outputs, the fields the minute path uses: rows of OutMin.*. */
  OUT_MINUTE = 12,
  /** Engine outputs, the fields the period close uses: rows of OutClose.*. */
  OUT_CLOSE = 13,
  /** Float64 lists referenced by index: derived-channel components, CO2e terms (output, weight, divisor). */
  LISTS = 14,
  /** Record: CBOR fragments of the static parts (Rec.*: offsets into this section). */
  RECORD = 15,
  /** Record quantities (one per output, one more per mass total): rows of Qt.*, fragments in RECORD. */
  QUANTITIES = 16,
}

/** META: identity and signer. String fields are indices into STRINGS. */
export const enum Meta {
  DEVICE_ID,
  PLAN_VERSION,
  /** 0: HMAC-SHA256 (COSE_Mac0), 1: ES256 in an ATECC608 (COSE_Sign1). */
  SIGNER,
  /** String: Storage file with the HMAC key. */
  HMAC_KEY_FILE,
  /** String: key id as hex ('' for ES256: derived from the public key). */
  KID,
  /** Record time source code (TimeSourceCode). */
  TIME_SOURCE,
  RESERVE_BLOCK,
  /** ATECC608: 0 for I2C1, 1 for I2C2; pins as numbers (ESP32 GPIO). */
  SE_BUS,
  SE_SCL,
  SE_SDA,
  SE_ADDRESS,
  SE_SLOT,
  SE_GPIO_WAKE,
  N_BUSES,
  N_DEVICES,
  N_GROUPS,
  N_READS,
  N_ACQ,
  /** Analyzers listed in period records (devices feeding an engine channel). */
  N_ANALYZERS,
  FIELDS,
}

export const enum SignerKind {
  HMAC = 0,
  ATECC608 = 1,
}

/** Serial line parity codes. */
export const enum Parity {
  NONE = 0,
  EVEN = 1,
  ODD = 2,
}

/** Modbus bus. Pins: -1 when not set. */
export const enum Bus {
  /** String: configuration id. */
  ID,
  /** 2 for Serial2, 3 for Serial3. */
  PORT,
  RX,
  TX,
  /** String: device path on Espruino's Linux build ('' on the ESP32). */
  PATH,
  BAUD,
  DATA_BITS,
  PARITY,
  STOP_BITS,
  /** 1 when a DE/RE pin is driven from JS. */
  DE_FROM_PIN,
  DE_PIN,
  DE_MARGIN_US,
  RESPONSE_TIMEOUT_MS,
  SILENCE_TIMEOUT_MS,
  INTER_FRAME_MS,
  RETRIES,
  OFFLINE_AFTER,
  /** Bits per character on the wire (start + data + parity + stop), for wire times. */
  CHAR_BITS,
  /** Bytes of response data of all reads of the bus (each read's data has its place: Read.DATA_AT). */
  DATA_BYTES,
  FIRST_DEVICE,
  N_DEVICES,
  FIRST_GROUP,
  N_GROUPS,
  FIELDS,
}

export const enum Dev {
  ID,
  BUS,
  SLAVE,
  /** String: analyzer profile id (console, sample source). */
  PROFILE,
  ZERO_WHILE_NOT_MEASURING,
  FIELDS,
}

/** A poll group: the channels of one device that share a poll period, read by consecutive reads. */
export const enum Group {
  DEVICE,
  PERIOD_MS,
  FIRST_READ,
  N_READS,
  FIRST_ACQ,
  N_ACQ,
  FIELDS,
}

export const enum Read {
  FC,
  ADDRESS,
  QUANTITY,
  /** Byte count of the normal response's data. */
  BYTE_COUNT,
  ADU_AT,
  ADU_LEN,
  /** Where the read's response data is kept in its bus's data buffer. */
  DATA_AT,
  FIELDS,
}

/** Register value types (decoding). */
export const enum ValueCode {
  INT16 = 0,
  UINT16 = 1,
  INT32 = 2,
  UINT32 = 3,
  FLOAT32 = 4,
  FLOAT64 = 5,
  BIT = 6,
}

/** Word orders (ABCD CDAB BADC DCBA). */
export const enum OrderCode {
  ABCD = 0,
  CDAB = 1,
  BADC = 2,
  DCBA = 3,
}

/** An acquired channel: where its value and status word are in the group's reads, and how to decode them. */
export const enum Acq {
  /** Engine channel index (-1: acquired for the console only). */
  CHANNEL,
  /** String: channel id. */
  ID,
  /** Read index (absolute) and byte offset (registers) or bit index (coils) inside its data. */
  READ,
  OFFSET,
  TYPE,
  ORDER,
  SCALE,
  DIVISOR,
  OFFSET_ADD,
  /** Status word: read index (-1: none), offset, 0 bits / 1 uint16 / 2 uint32, bit count for coil blocks, order. */
  STATUS_READ,
  STATUS_AT,
  STATUS_KIND,
  STATUS_BITS,
  STATUS_ORDER,
  FIRST_RULE,
  N_RULES,
  FIELDS,
}

export const enum StatusWordKind {
  BITS = 0,
  UINT16 = 1,
  UINT32 = 2,
}

/** A status rule: the first that matches gives the normalized status (StatusCode). */
export const enum Rule {
  /** Bit number, or -1 for an "equals" rule. */
  BIT,
  /** Bit value that triggers (0 or 1), or the word value of an "equals" rule. */
  VALUE,
  STATUS,
  FIELDS,
}

/** Jurisdiction-profile rules and stack context, in ENGINE. Context refs: channel index, -1 constant, -2 none. */
export const enum Eng {
  PERIOD_MINUTES,
  MINUTE_MIN_SAMPLES,
  RULE_KIND,
  RULE_N,
  RULE_NUM,
  RULE_DEN,
  /** Period means weighted by valid samples (1) or by minutes (0). */
  BY_SAMPLES,
  DAY_RULE_KIND,
  DAY_RULE_N,
  SUBSTITUTION,
  O2_K,
  O2_REF,
  /** Part 75 diluent cap %, NaN when the guard is a limit. */
  O2_CAP,
  O2_LIMIT,
  SCAN_MS,
  SAMPLES_PER_MINUTE,
  CLOSE_DELAY_MS,
  MAX_GAP_MS,
  N_CHANNELS,
  N_OUTPUTS,
  O2_CH,
  MOIST_CH,
  MOIST_K,
  TEMP_CH,
  TEMP_K,
  PS_CH,
  PS_K,
  PA_CH,
  PA_K,
  /** Flow: 1 when configured; velocity or volume channel; duct area; Kv. */
  HAS_FLOW,
  FLOW_VELOCITY_CH,
  FLOW_AREA,
  FLOW_KV,
  /** Output index of flow.ndry (-1: none). */
  FLOW_NDRY,
  T_REF_K,
  P_REF_PA,
  CELSIUS_OFFSET_K,
  VM_L_PER_MOL,
  /** Period values carry Part 75 MODCs. */
  USES_MODC,
  /** Native code of period values: NativeScheme. */
  NATIVE_SCHEME,
  FIELDS,
}

export const enum PeriodRuleKind {
  MIN_MINUTES = 0,
  MINUTE_FRACTION = 1,
  SAMPLE_FRACTION = 2,
  QUADRANT = 3,
}

export const enum DayRuleKind {
  NONE = 0,
  MIN_PERIODS = 1,
  MAX_INVALID = 2,
}

export const enum SubstitutionCode {
  NONE = 0,
  MRR_EQ4 = 1,
  P75_STANDARD = 2,
  HJ_FLAG = 3,
}

export const enum NativeScheme {
  /** Analyzer status bits, scheme = the device's profile. */
  BITS = 0,
  HJ212 = 1,
  P75_MODC = 2,
}

/** Channel kinds (QuantityDef.kind). */
export const enum KindCode {
  GAS = 0,
  PARTICULATE = 1,
  DILUENT = 2,
  MOISTURE = 3,
  VELOCITY = 4,
  TEMPERATURE = 5,
  PRESSURE = 6,
  FLOW = 7,
}

/** Engine channel. */
export const enum Ch {
  KIND,
  /** Wet reading (1) or dry (0). */
  WET,
  GAIN,
  OFFSET,
  CAL_A,
  CAL_B,
  MIN_VALID,
  MAX_VALID,
  RANGE_MAX,
  MOLAR_MASS,
  /** Factor to the working unit of its dimension (kPa -> Pa, m3/s -> m3/h). */
  TO_WORKING,
  /** Factor of a component's minute value to ppm for derived sums: 1 (ppm), 10000 (pct), 0 (mg/m3: via molar mass). */
  TO_PPM,
  /** Derived channel: components in LISTS[SUM_AT .. SUM_AT + SUM_N). */
  SUM_AT,
  SUM_N,
  /** Part 75 MODC of measured values as a number (1 for "01"). */
  MODC,
  NEGATIVE_TO_ZERO,
  FIELDS,
}

export const enum OutKind {
  MEASURED = 0,
  DRY = 1,
  REF = 2,
  MASS = 3,
  FLOW_ACT = 4,
  FLOW_NDRY = 5,
  CO2E = 6,
}

/** DRY outputs: how the channel's minute value becomes mg/m3 (or stays) before wet -> dry. */
export const enum DryRoute {
  NONE = 0,
  ACTUAL_TO_REFERENCE = 1,
  PPM_TO_MG = 2,
  PCT_TO_MG = 3,
}

export const enum MassRouteCode {
  MG_KG = 0,
  MG_T = 1,
  PCT_T = 2,
  PCT_KG = 3,
}

/** Output fields of the minute path (kept in RAM on the device). */
export const enum OutMin {
  KIND,
  CH,
  SRC,
  O2_REF,
  /** DRY: DryRoute; MASS: MassRouteCode. */
  ROUTE,
  /** DRY: the channel is wet. */
  WET,
  /** CO2E: terms in LISTS as (output, weight, divisor) triples. */
  TERMS_AT,
  TERMS_N,
  FIELDS,
}

/** Output fields of the period close (read from flash). */
export const enum OutClose {
  CI_PCT,
  ELV_DAILY,
  MPC,
  BAF,
  CAL_RANGE_MAX,
  SUBSTITUTE,
  INVERSE,
  /** Period totals (kg, t, m3) are formed. */
  HAS_TOTAL,
  /** Part 75 negative-to-zero applies (§75.57 Table 4a). */
  NEGATIVE_TO_ZERO,
  /** MODC of measured values of the output's channel (1 = "01"). */
  MODC,
  /** Measured output: its raw (uncalibrated) mean is reported. */
  MEASURED,
  /** Index of the MASS output this DRY output feeds (-1: none). */
  MASS_OF,
  FIELDS,
}

/**
 * The RECORD section starts with these float64 fields; the CBOR fragments follow them, and every *_AT offset (here and
 * in Qt) counts from the first fragment byte.
 */
export const enum Rec {
  /** CBOR text: device id. */
  DEVICE_ID_AT,
  DEVICE_ID_LEN,
  /** CBOR map: site (key 5's value). */
  SITE_AT,
  SITE_LEN,
  /** CBOR array: analyzers (period key 3's value). */
  ANALYZERS_AT,
  ANALYZERS_LEN,
  /** CBOR text: monitoring plan version (period key 5's value). */
  PLAN_VERSION_AT,
  PLAN_VERSION_LEN,
  /** CBOR text: validity rule of period values ("EU_IED_LCP:SAMPLE_FRACTION:80/100"). */
  RULE_AT,
  RULE_LEN,
  /** CBOR text: validity rule of substitutes ("US_P75:SUBSTITUTE"). */
  SUBST_RULE_AT,
  SUBST_RULE_LEN,
  /** Averaging interval, seconds. */
  AVERAGING_S,
  N_QUANTITIES,
  FIELDS,
}

/**
 * A record quantity: the static CBOR fragments around its dynamic values (offsets into RECORD). The encoder writes
 * map head, A, raw value, B, corrected value, C, counts, rule, status, NATIVE, native code, [substitution], METHOD.
 */
export const enum Qt {
  /** Engine output index. */
  OUT,
  /** String: the quantity id ("so2.ref", "so2.mass.total"). */
  ID,
  /** String: id of the analyzer behind the quantity, -1 for quantities computed from several instruments. */
  ANALYZER_ID,
  /** This is the mass total (kg, t, m3 over the period) that follows a mass rate. */
  TOTAL,
  /** The raw value is reported (measured outputs). */
  HAS_RAW,
  /** Fields in the map without substitution. */
  MAP_SIZE,
  A_AT,
  A_LEN,
  B_AT,
  B_LEN,
  C_AT,
  C_LEN,
  NATIVE_AT,
  NATIVE_LEN,
  METHOD_AT,
  METHOD_LEN,
  FIELDS,
}
