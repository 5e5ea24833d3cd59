import {
  type ComputeSystemQuery,
  type ContainerProperties,
  decodeContainerPropertiesList,
  encodeComputeSystemQuery,
  encodePropertyQuery,
} from '../../schemas';
import { decodeDocument, unexpectedValueError } from '../core/hcs-errors';
import { invoke } from '../core/invoke';
import { runtime } from './runtime';

/**
 * Lists compute systems (`HcsEnumerateComputeSystems`) matching a validated `ComputeSystemQuery` (`{}` = all).
 */
export async function getContainers(query: ComputeSystemQuery = {}): Promise<ContainerProperties[]> {
  const operation = 'hcs::GetComputeSystems';
  const document = encodeComputeSystemQuery(query);
  const rt = runtime();
  const res = await invoke({}, operation, () => rt.api.enumerateComputeSystems(document));
  if (res.value === null) throw unexpectedValueError(operation, {}, 'no compute system list');
  return decodeDocument(operation, {}, 'compute system list', decodeContainerPropertiesList, res.value);
}

/**
 * Queries the compute service itself (`HcsGetServiceProperties`) with `{"PropertyTypes":[...]}` (`{}` when none)
 * and returns the parsed JSON document as HCS sent it.
 */
export async function getServiceProperties(propertyTypes?: string[]): Promise<unknown> {
  const operation = 'hcs::GetServiceProperties';
  const document = encodePropertyQuery(propertyTypes === undefined ? {} : { PropertyTypes: propertyTypes });
  const rt = runtime();
  const res = await invoke({}, operation, () => rt.api.getServiceProperties(document));
  if (res.value === null) throw unexpectedValueError(operation, {}, 'no service properties document');
  try {
    return JSON.parse(res.value) as unknown;
  } catch (err) {
    throw unexpectedValueError(operation, {}, 'service properties are not JSON', err);
  }
}
