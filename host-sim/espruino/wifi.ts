// Simulated `require("Wifi")` station: joins the networks the host configures. The ESP32 driver retries a lost
// association only twice, then reports `disconnected` and stops (Espruino libs/network/esp32/jswrap_esp32_network.c:
// s_retry_num = 3 in jswrap_wifi_connect, decremented in event_handler); the simulator gives up after the first
// failure, so firmware must reconnect with its own backoff.
import { Listeners, type Runtime } from './runtime';

const JOIN_MS = 150;

export class SimWifi {
  /** ssid -> password of the networks in range. */
  readonly networks = new Map<string, string>();
  private listeners = new Listeners();
  private runtime: Runtime | null = null;
  private joined: string | null = null;
  connects = 0;

  attach(runtime: Runtime): void {
    this.runtime = runtime;
    this.listeners = new Listeners();
    this.joined = null;
  }

  on(event: string, fn: (...args: any[]) => void): void {
    this.listeners.on(event, fn);
  }

  removeAllListeners(event?: string): void {
    this.listeners.removeAllListeners(event);
  }

  connect(ssid: string, options: { password?: string } | undefined, cb?: (err: string | null) => void): void {
    const rt = this.runtime!;
    this.connects++;
    rt.time.setTimer(() => {
      const known = this.networks.has(ssid);
      const ok = known && this.networks.get(ssid) === (options?.password ?? '');
      if (ok) {
        this.joined = ssid;
        this.listeners.emit(rt, 'connected', [this.getIP()]);
        if (cb) rt.invoke(cb, [null]);
      } else {
        const reason = known ? 'auth_fail' : 'no_ap_found';
        this.listeners.emit(rt, 'disconnected', [{ ssid, reason }]);
        if (cb) rt.invoke(cb, [reason]);
      }
    }, JOIN_MS, false);
  }

  disconnect(cb?: () => void): void {
    const rt = this.runtime!;
    const was = this.joined;
    this.joined = null;
    if (was) this.listeners.emit(rt, 'disconnected', [{ ssid: was, reason: 'assoc_leave' }]);
    if (cb) rt.invoke(cb, []);
  }

  /** Host side: the access point drops the station. */
  dropLink(): void {
    if (this.joined && this.runtime) {
      const ssid = this.joined;
      this.joined = null;
      this.listeners.emit(this.runtime, 'disconnected', [{ ssid, reason: 'beacon_timeout' }]);
    }
  }

  getIP(): { ip: string; netmask: string; gw: string; mac: string } {
    return this.joined
      ? { ip: '10.77.0.2', netmask: '255.255.255.0', gw: '10.77.0.1', mac: '24:0a:c4:00:00:01' }
      : { ip: '0.0.0.0', netmask: '0.0.0.0', gw: '0.0.0.0', mac: '24:0a:c4:00:00:01' };
  }

  getStatus(): { station: string } {
    return { station: this.joined ? 'connected' : 'off' };
  }
}
