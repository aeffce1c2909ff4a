import ArgumentParser

extension NDEmu {
    /// Every subcommand, in `--help` order. Add a new one here.
    static let allSubcommands: [any ParsableCommand.Type] = [
        KernelsCommand.self,
        ImportCommand.self,
        CapacityCommand.self,
        InfoblockCommand.self,
        IOMemCommand.self,
        MemRemapCommand.self,
        SectionsCommand.self,
        SimulateCommand.self,
        CompareCommand.self,
        MapCommand.self,
    ]
}
