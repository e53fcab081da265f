// The registry of architectures: one descriptor each (vmx.ts, svm.ts, arm64.ts). Code outside this room asks a
// descriptor (archOf(profile).exits['io']) instead of comparing an architecture's name.
import { FEATURE_BIT } from '../features.js';
import { ARM64 } from './arm64.js';
import { SVM } from './svm.js';
import type { AbstractExit, Arch, ArchDescriptor } from './types.js';
import { VMX } from './vmx.js';

export { ABSTRACT_EXITS, ARCHS, type AbstractExit, type Arch, type ArchDescriptor } from './types.js';

export const ARCHITECTURES: Readonly<Record<Arch, ArchDescriptor>> = { vmx: VMX, svm: SVM, arm64: ARM64 };

/** The descriptor of a profile's (or a name's) architecture. */
export function archOf(p: { arch: Arch } | Arch): ArchDescriptor {
  return ARCHITECTURES[typeof p === 'string' ? p : p.arch];
}

const ALWAYS_ON_BITS = Object.fromEntries(Object.values(ARCHITECTURES).map((d) => [d.id, d.alwaysOn.reduce((bits, f) => bits | FEATURE_BIT[f], 0)])) as Record<Arch, number>;

/** The feature bits an architecture always has, whatever a set says (arm64: stage 2): one mask per architecture. */
export function alwaysOnBits(arch: Arch): number {
  return ALWAYS_ON_BITS[arch];
}

/** The exit an abstract exit is on this architecture under these features (nested paging on or off). */
export function exitNameOn(arch: Arch, exit: AbstractExit, features: number): string {
  const d = ARCHITECTURES[arch];
  return ((features & FEATURE_BIT.ept) === 0 && d.exitsWithoutNestedPaging[exit]) || d.exits[exit];
}
