// The LibNVDIMM module. See README.md "Architecture".
import NDEmuCore
