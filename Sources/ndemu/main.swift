import NDEmuCommands

NDEmu.runMain()
