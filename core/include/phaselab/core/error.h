#pragma once

#include <stdexcept>
#include <string>

namespace phaselab::core {

/// Unreadable or invalid input: a bad file, a non-physical parameter, NaN pixels, mismatched
/// shapes. The message names the file or parameter and the problem in one line. The CLI maps it
/// to exit code 3; the GUI shows it as a message.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by long-running work when its CancelToken was triggered. The CLI maps it to exit code 4.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace phaselab::core
