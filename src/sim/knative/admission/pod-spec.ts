// ValidatePodSpec (serving's k8s_validation.go) with the stock feature flags: multi-container on,
// every other kubernetes.podspec-* flag off except emptyDir volumes. Paths are relative to the pod spec.

import { imageReferenceError } from './image-ref.js';
import { isDNS1123Label, isDNS1123Subdomain } from './k8s-names.js';
import {
  errDisallowedFields,
  errInvalidValue,
  errMissingField,
  errMissingOneOf,
  errMultipleOneOf,
  errOutOfBounds,
  fieldError,
  goQuote,
  viaField,
  viaFieldIndex,
  viaIndex,
  type FieldErrors,
} from './field-error.js';

type Obj = Record<string, any>;
type ContainerKind = 'user' | 'sidecar' | 'init';
type Port = { name: string; containerPort: number };

const MAX_INT32 = 2147483647;
const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];
/** queue-proxy's ports and the profiling port: 8012, 8013, 8022, 9090, 9091, 8008. */
export const RESERVED_PORTS = new Set([8012, 8013, 8022, 9090, 9091, 8008]);
const VALID_PORT_NAMES = new Set(['h2c', 'http1', '']);
const RESERVED_PATHS = new Set(['/', '/dev', '/dev/log']);
// PodSpecMask with default flags: what may be set in a template's pod spec.
const POD_SPEC_ALLOWED = new Set([
  'serviceAccountName',
  'containers',
  'volumes',
  'imagePullSecrets',
  'enableServiceLinks',
  // RevisionSpec's own fields, which are not part of the PodSpec the mask looks at.
  'containerConcurrency',
  'timeoutSeconds',
  'idleTimeoutSeconds',
  'responseStartTimeoutSeconds',
]);
const VOLUME_SOURCES_ALLOWED = ['secret', 'configMap', 'projected', 'emptyDir'];
const VOLUME_SOURCES_DISABLED: Record<string, string> = {
  persistentVolumeClaim: 'Persistent volume claim',
  image: 'Image volume',
  hostPath: 'HostPath volume',
  csi: 'CSI volume',
  ephemeral: 'Ephemeral volume',
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Set in Go's sense: not the zero value (nil, false, 0, ""). */
const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function disallowed(obj: Obj, allowed: (key: string, value: unknown) => boolean): FieldErrors {
  const keys = Object.keys(obj)
    .filter((k) => isSet(obj[k]) && !allowed(k, obj[k]))
    .sort();
  return keys.length ? errDisallowedFields(...keys) : [];
}

/** ValidatePodSpec on a RevisionSpec (its own fields ride along, as the PodSpec is inlined). */
export function validatePodSpec(ps: Obj): FieldErrors {
  const errs: FieldErrors = disallowed(
    ps,
    (k, v) => POD_SPEC_ALLOWED.has(k) || (k === 'automountServiceAccountToken' && v === false),
  );
  // PodSecurityContextMask with kubernetes.podspec-securitycontext off keeps nothing of it.
  if (isObj(ps.securityContext))
    errs.push(
      ...viaField(
        disallowed(ps.securityContext, () => false),
        'securityContext',
      ),
    );
  const containers = list(ps.containers);
  const initContainers = list(ps.initContainers);
  const mounted = new Set(
    [...initContainers, ...containers].flatMap((c) => list(c.volumeMounts).map((m) => str(m.name))),
  );
  const volumes = validateVolumes(list(ps.volumes), mounted, errs);
  if (initContainers.length > 0)
    errs.push(
      ...fieldError(
        `pod spec support for init-containers is off, but found ${initContainers.length} init containers`,
        [],
      ),
    );
  const { port, errs: portErrs } = validateContainersPorts(containers);
  errs.push(...viaField(portErrs, 'containers[*]'));
  if (containers.length === 0) errs.push(...errMissingField('containers'));
  else if (containers.length === 1)
    errs.push(...viaFieldIndex(validateContainer(containers[0], 'user', volumes, port), 'containers', 0));
  else {
    const names = new Set<string>();
    containers.forEach((c, i) => {
      const name = str(c.name);
      if (names.has(name))
        errs.push(...viaFieldIndex(fieldError(`duplicate container name ${goQuote(name)}`, 'name'), 'containers', i));
      else names.add(name);
      const kind: ContainerKind = list(c.ports).length === 0 ? 'sidecar' : 'user';
      errs.push(...viaFieldIndex(validateContainer(c, kind, volumes, port), 'containers', i));
    });
  }
  const sa = str(ps.serviceAccountName);
  if (sa !== '') for (const msg of isDNS1123Subdomain(sa)) errs.push(...errInvalidValue(sa, 'serviceAccountName', msg));
  return errs;
}

function validateVolumes(vs: Obj[], mounted: Set<string>, out: FieldErrors): Map<string, Obj> {
  const volumes = new Map<string, Obj>();
  const errs: FieldErrors = [];
  vs.forEach((v, i) => {
    const name = str(v.name);
    if (volumes.has(name)) errs.push(...viaIndex(fieldError(`duplicate volume name ${goQuote(name)}`, 'name'), i));
    if (!mounted.has(name))
      errs.push(...viaIndex(fieldError(`volume with name ${goQuote(name)} not mounted`, 'name'), i));
    errs.push(...viaIndex(validateVolume(v), i));
    volumes.set(name, v);
  });
  out.push(...viaField(errs, 'volumes'));
  return volumes;
}

function validateVolume(v: Obj): FieldErrors {
  let errs: FieldErrors = [];
  for (const [key, label] of Object.entries(VOLUME_SOURCES_DISABLED)) {
    if (!isObj(v[key])) continue;
    if (key === 'persistentVolumeClaim') {
      const claim = str(v[key].claimName);
      errs.push(
        ...fieldError(`Persistent volume claim support is disabled, but found persistent volume claim ${claim}`, []),
      );
      if (v[key].readOnly !== true)
        errs.push(
          ...fieldError(
            `Persistent volume write support is disabled, ` +
              `but found persistent volume claim ${claim} that is not read-only`,
            [],
          ),
        );
    } else {
      errs.push(...fieldError(`${label} support is disabled, but found ${label} ${str(v.name)}`, []));
    }
  }
  // Upstream replaces (rather than adds to) the errors so far when the name is bad.
  const name = str(v.name);
  if (name === '') errs = errMissingField('name');
  else if (isDNS1123Label(name).length > 0) errs = errInvalidValue(name, 'name');
  errs.push(...disallowed(v, (k) => k === 'name' || VOLUME_SOURCES_ALLOWED.includes(k)));
  const specified = [...VOLUME_SOURCES_ALLOWED, ...Object.keys(VOLUME_SOURCES_DISABLED)].filter((k) => isObj(v[k]));
  for (const key of ['secret', 'configMap'])
    if (isObj(v[key]))
      // Upstream indexes these items on the volume itself, without the source's name.
      list(v[key].items).forEach((item, i) => errs.push(...viaFieldIndex(validateKeyToPath(item), 'items', i)));
  if (isObj(v.projected))
    list(v.projected.sources).forEach((p, i) => errs.push(...viaFieldIndex(validateProjection(p), 'projected', i)));
  if (isObj(v.emptyDir)) {
    const medium = str(v.emptyDir.medium);
    if (medium !== '' && medium !== 'Memory') errs.push(...viaField(errInvalidValue(medium, 'medium'), 'emptyDir'));
    const size = v.emptyDir.sizeLimit;
    if (isNegativeQuantity(size)) errs.push(...viaField(errInvalidValue(String(size), 'sizeLimit'), 'emptyDir'));
  }
  if (isObj(v.image)) errs.push(...viaField(validateImageVolumeSource(v.image), 'image'));
  if (specified.length === 0) errs.push(...errMissingOneOf('secret', 'configMap', 'projected', 'emptyDir'));
  else if (specified.length > 1) errs.push(...errMultipleOneOf(...specified));
  return errs;
}

/** Whether a resource quantity is below zero (printed back as sent, which is exact for canonical forms). */
function isNegativeQuantity(q: unknown): boolean {
  if (typeof q === 'number') return q < 0;
  return typeof q === 'string' && /^-/.test(q) && /[1-9]/.test(q.replace(/[eE][-+]?\d+$|[a-zA-Z]+$/, ''));
}

function validateKeyToPath(k2p: Obj): FieldErrors {
  const errs: FieldErrors = [];
  if (str(k2p.key) === '') errs.push(...errMissingField('key'));
  if (str(k2p.path) === '') errs.push(...errMissingField('path'));
  return errs;
}

/** validateProjectedVolumeSource: exactly one source, each with what it needs. */
function validateProjection(p: Obj): FieldErrors {
  const errs: FieldErrors = [];
  const specified: string[] = [];
  for (const key of ['secret', 'configMap'] as const) {
    if (!isObj(p[key])) continue;
    specified.push(key);
    const src = p[key];
    const own: FieldErrors = str(src.name) === '' ? errMissingField('name') : [];
    list(src.items).forEach((item, i) => own.push(...viaFieldIndex(validateKeyToPath(item), 'items', i)));
    errs.push(...viaField(own, key));
  }
  if (isObj(p.serviceAccountToken)) {
    specified.push('serviceAccountToken');
    if (str(p.serviceAccountToken.path) === '') errs.push(...viaField(errMissingField('path'), 'serviceAccountToken'));
  }
  if (isObj(p.downwardAPI)) {
    specified.push('downwardAPI');
    const items = list(p.downwardAPI.items);
    items.forEach((item, i) =>
      errs.push(...viaField(viaFieldIndex(validateDownwardAPIFile(item), 'items', i), 'downwardAPI')),
    );
  }
  if (specified.length === 0)
    errs.push(...errMissingOneOf('secret', 'configMap', 'serviceAccountToken', 'downwardAPI'));
  else if (specified.length > 1) errs.push(...errMultipleOneOf(...specified));
  return errs;
}

function validateDownwardAPIFile(f: Obj): FieldErrors {
  const errs: FieldErrors = [];
  const field = isObj(f.fieldRef);
  const resource = isObj(f.resourceFieldRef);
  if (!field && !resource) errs.push(...errMissingOneOf('fieldRef', 'resourceFieldRef'));
  if (field && resource)
    errs.push(...fieldError('Within a single item, cannot set both', ['resourceFieldRef', 'fieldRef']));
  if (str(f.path) === '') errs.push(...errMissingField('path'));
  return errs;
}

/** validateImageVolumeSource: a reference, and a pull policy kubernetes knows. */
function validateImageVolumeSource(iv: Obj): FieldErrors {
  const errs: FieldErrors = disallowed(iv, (k) => k === 'reference' || k === 'pullPolicy');
  if (str(iv.reference) === '') errs.push(...errMissingField('reference'));
  const policy = str(iv.pullPolicy);
  if (!['IfNotPresent', 'Always', 'Never', ''].includes(policy)) errs.push(...errInvalidValue(policy, 'pullPolicy'));
  return errs;
}

function validateContainersPorts(containers: Obj[]): { port: Port; errs: FieldErrors } {
  let count = 0;
  let port: Obj = {};
  for (const c of containers) {
    const ports = list(c.ports);
    if (ports.length > 0) {
      count += ports.length;
      port = ports[0];
    }
  }
  const serving: Port = { name: str(port.name) || 'http', containerPort: num(port.containerPort) || 8080 };
  if (count === 0 && containers.length > 1) return { port: serving, errs: errMissingField('ports') };
  if (count > 1)
    return {
      port: serving,
      errs: fieldError(
        'more than one container port is set',
        'ports',
        'Only a single port is allowed across all containers',
      ),
    };
  return { port: serving, errs: [] };
}

function validateContainer(c: Obj, kind: ContainerKind, volumes: Map<string, Obj>, port: Port): FieldErrors {
  const errs: FieldErrors = [];
  if (kind === 'user') {
    errs.push(...viaField(validateProbe(c.livenessProbe, port), 'livenessProbe'));
    errs.push(...viaField(validateReadinessProbe(c.readinessProbe, port), 'readinessProbe'));
    errs.push(...viaField(validateProbe(c.startupProbe, port), 'startupProbe'));
  } else if (kind === 'sidecar') {
    // multi-container-probing is off: a sidecar may not probe at all. The probe handler is inlined
    // in Go, so its fields are reported as the probe itself.
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const p = c[probe];
      if (!isObj(p)) continue;
      const set = Object.keys(p)
        .filter((k) => isSet(p[k]))
        .map((k) => (['exec', 'httpGet', 'tcpSocket', 'grpc'].includes(k) ? '' : k));
      if (set.length) errs.push(...viaField(errDisallowedFields(...new Set(set.sort())), probe));
    }
  }
  if (Object.keys(c).every((k) => !isSet(c[k]))) return [...errs, ...errMissingField('')];
  if (str(c.name) === 'queue-proxy')
    errs.push(...fieldError(`${goQuote('queue-proxy')} is a reserved container name`, 'name'));
  errs.push(...viaField(validateEnv(list(c.env), kind), 'env'));
  errs.push(...viaField(validateEnvFrom(list(c.envFrom)), 'envFrom'));
  const image = str(c.image);
  if (image === '') errs.push(...errMissingField('image'));
  else {
    const err = imageReferenceError(image);
    if (err)
      errs.push(...fieldError('Failed to parse image reference', 'image', `image: ${goQuote(image)}, error: ${err}`));
  }
  errs.push(...viaField(validatePorts(list(c.ports), kind), 'ports'));
  errs.push(...viaField(validateSecurityContext(c.securityContext), 'securityContext'));
  const tmp = str(c.terminationMessagePolicy);
  if (!['File', 'FallbackToLogsOnError', ''].includes(tmp))
    errs.push(...errInvalidValue(tmp, 'terminationMessagePolicy'));
  errs.push(...viaField(validateVolumeMounts(list(c.volumeMounts), volumes), 'volumeMounts'));
  return errs;
}

function validateEnv(env: Obj[], kind: ContainerKind): FieldErrors {
  const reserved = kind === 'user' ? RESERVED_ENV : RESERVED_ENV.filter((n) => n !== 'PORT');
  return env.flatMap((e, i) => {
    const errs: FieldErrors = [];
    const name = str(e.name);
    if (name === '') errs.push(...errMissingField('name'));
    else if (reserved.includes(name))
      errs.push(...fieldError(`${goQuote(name)} is a reserved environment variable`, 'name'));
    if (isObj(e.valueFrom))
      errs.push(
        ...viaField(
          disallowed(e.valueFrom, (k) => k === 'configMapKeyRef' || k === 'secretKeyRef'),
          'valueFrom',
        ),
      );
    return viaIndex(errs, i);
  });
}

function validateEnvFrom(envFrom: Obj[]): FieldErrors {
  const errs: FieldErrors = [];
  for (const ef of envFrom) {
    const cm = isObj(ef.configMapRef);
    const sm = isObj(ef.secretRef);
    // Upstream reports these without the index.
    if (cm && sm) errs.push(...errMultipleOneOf('configMapRef', 'secretRef'));
    else if (!cm && !sm) errs.push(...errMissingOneOf('configMapRef', 'secretRef'));
  }
  return errs;
}

function validatePortBasic(p: Obj): FieldErrors {
  const errs: FieldErrors = [];
  const n = num(p.containerPort);
  if (RESERVED_PORTS.has(n))
    errs.push(
      ...errInvalidValue(
        `${n} is a reserved port`,
        'containerPort',
        `${n} is a reserved port, please use a different value`,
      ),
    );
  if (n < 0 || n > 65535) errs.push(...errOutOfBounds(n, 0, 65535, 'containerPort'));
  return errs;
}

function validatePorts(ports: Obj[], kind: ContainerKind): FieldErrors {
  if (ports.length === 0) return [];
  if (kind === 'init') return ports.flatMap(validatePortBasic);
  const p = ports[0];
  const errs = validatePortBasic(p);
  const protocol = str(p.protocol);
  if (protocol !== '' && protocol !== 'TCP') errs.push(...errInvalidValue(protocol, 'protocol'));
  const name = str(p.name);
  if (!VALID_PORT_NAMES.has(name))
    errs.push(...fieldError(`Port name ${name} is not allowed`, '', "Name must be empty, or one of: 'h2c', 'http1'"));
  return errs;
}

function validateSecurityContext(sc: unknown): FieldErrors {
  if (!isObj(sc)) return [];
  const errs = disallowed(sc, (k, v) => k !== 'privileged' || v === false);
  if (isObj(sc.capabilities) && isSet(sc.capabilities.add))
    errs.push(...viaField(errDisallowedFields('add'), 'capabilities'));
  for (const key of ['runAsUser', 'runAsGroup']) {
    const v = sc[key];
    if (typeof v === 'number' && (v < 0 || v > MAX_INT32)) errs.push(...errOutOfBounds(v, 0, MAX_INT32, key));
  }
  return errs;
}

function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length && parts[parts.length - 1] !== '..') parts.pop();
      else if (!abs) parts.push('..');
    } else parts.push(part);
  }
  const joined = parts.join('/');
  return abs ? `/${joined}` : joined || '.';
}

function validateVolumeMounts(mounts: Obj[], volumes: Map<string, Obj>): FieldErrors {
  const errs: FieldErrors = [];
  const seenPaths = new Set<string>();
  mounts.forEach((vm, i) => {
    const at = (e: FieldErrors): void => void errs.push(...viaIndex(e, i));
    const name = str(vm.name);
    const volume = volumes.get(name);
    if (isSet(vm.mountPropagation)) {
      at(errDisallowedFields('mountPropagation'));
      at(
        fieldError(
          `Volume Mount Propagation support is disabled, but found volume mount ${name} with mount propagation`,
          [],
        ),
      );
      if (vm.mountPropagation !== 'None' && vm.mountPropagation !== 'HostToContainer')
        at(fieldError('mount propagation should be set to None or HostToContainer', 'mountPropagation'));
    }
    if (!volume) at(fieldError('volumeMount has no matching volume', 'name'));
    const mountPath = str(vm.mountPath);
    const clean = cleanPath(mountPath);
    if (mountPath === '') at(errMissingField('mountPath'));
    else if (RESERVED_PATHS.has(clean)) at(fieldError(`mountPath ${goQuote(clean)} is a reserved path`, 'mountPath'));
    else if (!mountPath.startsWith('/')) at(errInvalidValue(mountPath, 'mountPath'));
    else if (seenPaths.has(clean)) at(errInvalidValue(`${goQuote(mountPath)} must be unique`, 'mountPath'));
    seenPaths.add(clean);
    const writable =
      volume && (isObj(volume.emptyDir) || isObj(volume.persistentVolumeClaim) || isObj(volume.ephemeral));
    if (!writable && vm.readOnly !== true)
      at(fieldError('volume mount should be readOnly for this type of volume', 'readOnly'));
  });
  return errs;
}

function intOrString(v: unknown): { text: string; isString: boolean; zero: boolean } {
  if (typeof v === 'string') return { text: v, isString: v !== '', zero: v === '' };
  const n = num(v);
  return { text: String(n), isString: false, zero: n === 0 };
}

function validateProbe(p: unknown, port: Port): FieldErrors {
  if (!isObj(p)) return [];
  const errs: FieldErrors = [];
  const handlers: string[] = [];
  for (const [key, label] of [
    ['httpGet', 'httpGet'],
    ['tcpSocket', 'tcpSocket'],
    ['exec', 'exec'],
    ['grpc', 'gRPC'],
  ] as const) {
    if (!isObj(p[key])) continue;
    handlers.push(label);
    if (key === 'httpGet' || key === 'tcpSocket') {
      const pt = intOrString(p[key].port);
      if (pt.isString && pt.text !== port.name)
        errs.push(...errInvalidValue(pt.text, `${key}.port`, 'Probe port must match container port'));
    }
  }
  if (handlers.length === 0) errs.push(...errMissingOneOf('httpGet', 'tcpSocket', 'exec', 'grpc'));
  else if (handlers.length > 1) errs.push(...errMultipleOneOf(...handlers));
  return errs;
}

function validateReadinessProbe(p: unknown, port: Port): FieldErrors {
  if (!isObj(p)) return [];
  const errs = validateProbe(p, port);
  const period = num(p.periodSeconds);
  const bound = (v: number, lower: number, key: string): void =>
    void errs.push(...errOutOfBounds(v, lower, MAX_INT32, key));
  if (period < 0) bound(period, 0, 'periodSeconds');
  if (num(p.initialDelaySeconds) < 0) bound(num(p.initialDelaySeconds), 0, 'initialDelaySeconds');
  if (num(p.successThreshold) < 1) bound(num(p.successThreshold), 1, 'successThreshold');
  if (period === 0) {
    if (num(p.failureThreshold) !== 0)
      errs.push(...fieldError('failureThreshold is disallowed when periodSeconds is zero', 'failureThreshold'));
    if (num(p.timeoutSeconds) !== 0)
      errs.push(...fieldError('timeoutSeconds is disallowed when periodSeconds is zero', 'timeoutSeconds'));
  } else {
    if (num(p.timeoutSeconds) < 1) bound(num(p.timeoutSeconds), 1, 'timeoutSeconds');
    if (num(p.failureThreshold) < 1) bound(num(p.failureThreshold), 1, 'failureThreshold');
  }
  return errs;
}
