/** A mistake the user can fix (an option, a device path): reported as one line, exit status 2. */
export class UsageError extends Error {}
