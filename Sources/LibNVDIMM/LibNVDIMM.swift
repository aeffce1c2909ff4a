// The LibNVDIMM module: the libnvdimm namespace layer (drivers/nvdimm), byte-exact.
//
// Entry points for the layers above (Platform, importers, commands):
//
// - `PfnNamespace.enable(namespace:settings:onMedia:behaviour:arch:facts:names:log:)`: the
//   explicit fsdax/devdax enable (`nvdimm_setup_pfn()` = `nd_pfn_init()` + `__nvdimm_setup_pfn()`).
//   Returns a `PfnNamespaceOutcome`: the info block in force (`block`, `wroteBlock`), the range for
//   `devm_memremap_pages()` (`pgmapRange`) and its altmap (`AltmapParameters`: base_pfn, reserve,
//   free, end_pfn; nil for map=mem), `dataRange` (block I/O and devdax), `daxPFNBase` and
//   `daxAddressSkew` (the start_pad bug), `usableSize`. Refusals throw `KernelError` (errno + the
//   kernel's message, also appended to `log`).
// - `PfnNamespace.probe(namespace:signature:onMedia:behaviour:arch:names:log:)`: autodetection of
//   a plain namespace with a block on media → `.personality(outcome)`, `.raw(reason:)` or `.failed`.
// - `NamespaceCheck.run(...)`: the same, for people (`ndemu infoblock check`).
// - `PfnValidate.validate(...)`, `PfnInit.freshBlock(...)`, `PfnInit.trim(...)`: the pieces.
// - `RawNamespace.probe(namespace:pageMapped:...)`: the 5.7+ compat check of a page-mapped raw
//   namespace.
// - `BTTLayout(capacity:sectorSize:version:)`: sector mode, `BTTLayout.version(for: RegionLabels)`.
// - `Region`: align by era, free extents, `allocateNamespace(size:...)` (label-less: whole region).
// - `NdctlCreateRequest.validate(region:...)`: ndctl's own checks and messages.
// - `Capacity.compute(_:behaviour:arch:facts:)`: one call for `ndemu capacity`.
// - `PfnInfoBlock` (codec), `Fletcher64`, `NdctlInfoBlockRequest` (`ndctl write-infoblock`).
//
// Collision inputs stay abstract: `CollisionFacts` holds a `SystemRAMIntersecting` (IOMem's tree
// through `IOMemSystemRAM`, or `TopLevelResources`) and the other regions' ranges.
import NDEmuCore
