/**
 * Server-side printing: the `meta.k8s.io/v1` Table that kube-apiserver sends
 * when a client asks for `application/json;as=Table;v=v1;g=meta.k8s.io`, as
 * `kubectl get` does. kubectl prints the cells as they come (upper-casing the
 * column names), so ages must be rendered the way the real server renders them.
 * Also the other forms a client can ask for instead of the objects
 * themselves: metadata only (PartialObjectMetadata and its List).
 */
import { acceptedMediaTypes } from './discovery.js';
import { getPath, type KubeObject, type ResourceType } from './resources.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Cannot be updated.',
  priority: 0,
};

const AGE_COLUMN: ColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

/**
 * An age as kube-apiserver prints it (apimachinery's HumanDuration): `5s`,
 * `3m12s`, `15m`, `5h3m`, `20h`, `2d3h`, `30d`, `2y45d`, `9y`; precision
 * drops as the age grows.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  const withRest = (big: number, unit: string, rest: number, restUnit: string) => (rest === 0 ? `${big}${unit}` : `${big}${unit}${rest}${restUnit}`);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  if (hours < 24 * 365 * 8) return withRest(Math.trunc(days / 365), 'y', days % 365, 'd');
  return `${Math.trunc(days / 365)}y`;
}

function age(obj: KubeObject, now: Date): string {
  const created = obj.metadata.creationTimestamp;
  return created ? humanDuration(now.getTime() - Date.parse(created)) : '<unknown>';
}

/**
 * The Table of `objects` of type `rt`: Name, the registry's columns (those
 * with priority 1 only in `-o wide`), then Age, unless a column already shows
 * the creation time (roles print `Created At` instead, as on a real server).
 * Each row carries the object as PartialObjectMetadata, the whole object for
 * `includeObject: 'Object'`, or nothing for `'None'`. A cell with no value is
 * null, which kubectl leaves blank, as for a CRD's printer column.
 */
export function toTable(rt: ResourceType, objects: KubeObject[], opts: { includeObject: IncludeObject; now: Date }): object {
  const columns = rt.columns ?? [];
  const showAge = !columns.some((c) => c.value === 'metadata.creationTimestamp');
  const columnDefinitions: ColumnDefinition[] = [
    NAME_COLUMN,
    ...columns.map((c) => ({ name: c.name, type: c.type, format: '', description: '', priority: c.priority ?? 0 })),
    ...(showAge ? [AGE_COLUMN] : []),
  ];
  const rows = objects.map((obj) => {
    const cells = [
      obj.metadata.name ?? '',
      ...columns.map((c) => (typeof c.value === 'function' ? c.value(obj) : getPath(obj, c.value)) ?? null),
      ...(showAge ? [age(obj, opts.now)] : []),
    ];
    const object =
      opts.includeObject === 'Object'
        ? obj
        : opts.includeObject === 'Metadata'
          ? asPartialObjectMetadata(obj)
          : undefined;
    return object ? { cells, object } : { cells };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions, rows };
}

/** What kube-apiserver sends instead of the object or list itself, when the client asks (see responseForm). */
export type ResponseForm = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

const FORMS: ReadonlySet<string> = new Set<ResponseForm>(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']);

/**
 * The form the client prefers, from its Accept header: a Table
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`, or v1beta1, as `kubectl
 * get` asks), metadata only (`as=PartialObjectMetadata` for an object or a
 * watch's objects, `as=PartialObjectMetadataList` for a list, as client-go's
 * metadata informers ask), or undefined for the plain JSON object or list.
 * Ranges the lab cannot send (protobuf, an unknown `as`) are passed over, as
 * the real server's negotiation does.
 */
export function responseForm(accept: string | undefined): ResponseForm | undefined {
  for (const { type, params } of acceptedMediaTypes(accept)) {
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') continue;
    if (!params.as) return undefined;
    if (FORMS.has(params.as) && params.g === 'meta.k8s.io' && (params.v === 'v1' || params.v === 'v1beta1')) return params.as as ResponseForm;
  }
  return undefined;
}

/** Whether the client prefers a Table to the plain JSON object or list (see responseForm). */
export function wantsTable(accept: string | undefined): boolean {
  return responseForm(accept) === 'Table';
}

/** An object as PartialObjectMetadata: its metadata and nothing else (apimachinery's AsPartialObjectMetadata). */
export function asPartialObjectMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}
