#pragma once

#include <string>

namespace phaselab::core {

/// Writes a file so that readers never see a partial output: the writer fills tempPath(),
/// commit() flushes it to disk and renames it over the target. Destroying an uncommitted
/// AtomicFile (an exception, a cancel) removes the temporary file and leaves any old target as it was.
class AtomicFile {
public:
    /// Picks a unique temporary sibling of `target` in the same directory (same file system, so
    /// the rename is atomic). Throws InputError when the directory does not exist.
    explicit AtomicFile(std::string target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    [[nodiscard]] const std::string& tempPath() const noexcept { return m_temp; }
    [[nodiscard]] const std::string& targetPath() const noexcept { return m_target; }

    /// fsyncs the temporary file, renames it onto the target and fsyncs the directory.
    /// Throws InputError naming the target on failure.
    void commit();

private:
    std::string m_target;
    std::string m_temp;
    bool m_committed = false;
};

} // namespace phaselab::core
