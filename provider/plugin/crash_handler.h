// File: crash_handler.h
//
// Makes a native crash visible in Terraform's output. Terraform captures
// provider stderr lines that follow "panic: " even with logging off and shows
// them as "Stack trace from the terraform-provider-... plugin", so on a fatal
// signal we print `panic: <signal>` and a backtrace, then die with the same
// signal so the exit status stays honest.
#ifndef SECUREAML_PROVIDER_PLUGIN_CRASH_HANDLER_H_
#define SECUREAML_PROVIDER_PLUGIN_CRASH_HANDLER_H_

namespace secureaml::plugin {

// Installs handlers for SIGSEGV, SIGABRT, SIGBUS, SIGFPE and SIGILL.
// The calling thread also gets an alternate signal stack, so a stack
// overflow there is reported too. Idempotent.
void InstallCrashHandler();

}  // namespace secureaml::plugin

#endif  // SECUREAML_PROVIDER_PLUGIN_CRASH_HANDLER_H_
