// Storage module cems.seal: chain resume, engine output to jobs, record encoding and COSE sealing; required by the
// records service while it has something to seal, released when its queue is empty.
export { boot, handleOutput, sealNext, engineSnapshot } from '../../protocol/module/seal';
