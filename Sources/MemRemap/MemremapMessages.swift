import NDEmuCore
import IOMem

/// The text `devm_memremap_pages()`/`memremap_pages()` print (mm/memremap.c, kernel/memremap.c
/// before 5.0), by era.
enum MemremapMessages {
    /// `__func__` of the body: `devm_memremap_pages` until the non-devm variant took it over.
    static func function(_ b: KernelBehaviour) -> String {
        b.has(.memremapPagesSplit) ? "memremap_pages" : "devm_memremap_pages"
    }

    /// The conflict WARN: `dev_WARN(dev, …)` (prefixed with the device) up to the split, a plain
    /// `WARN` after it.
    static func conflicting(_ b: KernelBehaviour, device: DeviceName) -> String {
        let text = "Conflicting mapping in same section"
        return b.has(.memremapPagesSplit) ? text : "\(device): \(text)"
    }

    /// The System RAM WARN_ONCE: `"%s attempted on %s region %pr"` until 5.9 (before 4.20 only
    /// the `mixed` form exists), `"attempted on %s region %#llx-%#llx"` from 5.10.
    static func attemptedOnRAM(_ b: KernelBehaviour, _ result: RegionIntersection, pgmap: DevPagemap) -> String {
        let word = result == .mixed ? "mixed" : "ram"
        if b.has(.memremapRangeMessage) {
            return "attempted on \(word) region \(ResourceFormat.hexRange(pgmap.range))"
        }
        let pr = ResourceFormat.raw(range: pgmap.range, flags: pgmap.resourceFlags)
        return "\(function(b)) attempted on \(word) region \(pr)"
    }

    /// Teardown with altmap pages still allocated: `dev_WARN_ONCE(dev, …, "%s: failed to free
    /// all reserved pages", __func__)` in `devm_memremap_pages_release` until the split, then
    /// `WARN_ONCE(…, "failed to free all reserved pages")` in `memunmap_pages`.
    static func failedToFree(_ b: KernelBehaviour, device: DeviceName) -> String {
        b.has(.memremapPagesSplit) ? "failed to free all reserved pages"
            : "\(device): devm_memremap_pages_release: failed to free all reserved pages"
    }

    static let missingMigrateToRAM = "Missing migrate_to_ram method"
    static let missingPageFree = "Missing page_free method"
}
