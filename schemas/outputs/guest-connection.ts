import { GoFields, INT32_MAX, INT32_MIN, UINT32_MAX, asJsonObject } from './go-fields';

/** A schema version the guest supports (`SupportedSchemaVersions[]`). */
export interface SchemaVersion {
  /** Go int32. */
  Major: number;
  /** Go int32. */
  Minor: number;
}

/** What the guest compute service of a utility VM says it can do (`GuestConnectionInfo.GuestDefinedCapabilities`). */
export interface GuestDefinedCapabilities {
  NamespaceAddRequestSupported: boolean;
  SignalProcessSupported: boolean;
  DumpStacksSupported: boolean;
  DeleteContainerStateSupported: boolean;
  UpdateContainerSupported: boolean;
  LogForwardingSupported: boolean;
  HostProcessContainerSupported: boolean;
}

/** The `GuestConnection` property: the protocol spoken with the guest of a utility VM (hcsshim v0.8.0+). */
export interface GuestConnectionInfo {
  SupportedSchemaVersions: SchemaVersion[];
  /** Go uint32. */
  ProtocolVersion: number;
  GuestDefinedCapabilities: GuestDefinedCapabilities;
}

/** Decodes `GuestConnectionInfo` tolerantly; never throws. */
export function decodeGuestConnectionInfo(value: unknown): GuestConnectionInfo {
  const fields = new GoFields(value);
  const caps = fields.struct('GuestDefinedCapabilities');
  return {
    SupportedSchemaVersions: (fields.array('SupportedSchemaVersions') ?? [])
      .filter((item) => asJsonObject(item) !== undefined)
      .map((item) => {
        const version = new GoFields(item);
        return { Major: version.int('Major', INT32_MIN, INT32_MAX), Minor: version.int('Minor', INT32_MIN, INT32_MAX) };
      }),
    ProtocolVersion: fields.uint('ProtocolVersion', UINT32_MAX),
    GuestDefinedCapabilities: {
      NamespaceAddRequestSupported: caps.bool('NamespaceAddRequestSupported'),
      SignalProcessSupported: caps.bool('SignalProcessSupported'),
      DumpStacksSupported: caps.bool('DumpStacksSupported'),
      DeleteContainerStateSupported: caps.bool('DeleteContainerStateSupported'),
      UpdateContainerSupported: caps.bool('UpdateContainerSupported'),
      LogForwardingSupported: caps.bool('LogForwardingSupported'),
      HostProcessContainerSupported: caps.bool('HostProcessContainerSupported'),
    },
  };
}
