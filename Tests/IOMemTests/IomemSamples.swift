/// /proc/iomem texts written for these tests in the shape real machines print (root view).
enum IomemSamples {
    /// A two-socket server: RAM on each socket, an ACPI 6 NFIT "Persistent Memory" range (e820
    /// type 7) above each socket's RAM, each holding one enabled namespace.
    static let twoSocketServer = """
    00000000-00000fff : Reserved
    00001000-0009ffff : System RAM
    000a0000-000fffff : Reserved
      000a0000-000bffff : PCI Bus 0000:00
      000f0000-000fffff : System ROM
    00100000-5a0f8fff : System RAM
      0b000000-0be02d4f : Kernel code
      0c000000-0c5a3fff : Kernel rodata
      0c600000-0c9a6dff : Kernel data
      0d0ff000-0d7fffff : Kernel bss
    5a0f9000-6f6fefff : Reserved
    6f6ff000-6fffffff : ACPI Non-volatile Storage
    70000000-8fffffff : PCI Bus 0000:00
      80000000-8fffffff : PCI MMCONFIG 0000 [bus 00-ff]
        80000000-8fffffff : Reserved
    100000000-307fffffff : System RAM
    3080000000-607fffffff : Persistent Memory
      3080000000-607fffffff : namespace0.0
    6080000000-907fffffff : System RAM
    9080000000-c07fffffff : Persistent Memory
      9080000000-c07fffffff : namespace1.0

    """

    /// A QEMU q35 guest with 16 GiB booted with `memmap=4G!4G`: the legacy PMEM sits in the
    /// middle of the RAM above 4 GiB, RAM resuming right after it.
    static let vmWithMemmap = """
    00000000-00000fff : Reserved
    00001000-0009fbff : System RAM
    0009fc00-0009ffff : Reserved
    000a0000-000bffff : PCI Bus 0000:00
    000c0000-000c99ff : Video ROM
    000ca000-000cadff : Adapter ROM
    000f0000-000fffff : Reserved
      000f0000-000fffff : System ROM
    00100000-7ffdffff : System RAM
      01000000-01e0279f : Kernel code
      02000000-0231dfff : Kernel rodata
      02400000-0266c4ff : Kernel data
      02c1e000-02ffffff : Kernel bss
    7ffe0000-7fffffff : Reserved
    80000000-afffffff : PCI Bus 0000:00
    b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]
      b0000000-bfffffff : Reserved
    c0000000-febfffff : PCI Bus 0000:00
    fed1c000-fed1ffff : Reserved
    feffc000-feffffff : Reserved
    fffc0000-ffffffff : Reserved
    100000000-1ffffffff : Persistent Memory (legacy)
      100000000-1ffffffff : namespace0.0
    200000000-47fffffff : System RAM
    480000000-c7fffffff : PCI Bus 0000:00

    """

    /// The E3 machine of the spec ([ndctl76]): two interleaved regions inside one top-level
    /// "Persistent Memory" resource, System RAM on both sides.
    static let pmemBesidePmem = """
    100000000-187bffffff : System RAM
    187c000000-967bffffff : Persistent Memory
      187c000000-577bffffff : namespace0.0
      577c000000-967bffffff : namespace1.0
    967c000000-a67bffffff : System RAM

    """
}
