#include <phaselab/core/reconstruction_method.h>

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>

namespace phaselab::core {

std::optional<Geometry> ReconstructionMethod::defaultGeometry(const MethodOptions&) const
{
    return std::nullopt;
}

std::string ReconstructionMethod::check(const ReconstructionRequest&, int, int) const
{
    return {};
}

std::vector<std::string> ReconstructionMethod::warnings(const ReconstructionRequest&) const
{
    return {};
}

bool ReconstructionMethod::canContinue(const ReconstructionRequest&) const
{
    return false;
}

MethodResult ReconstructionMethod::continueSolve(int, const ProgressReporter&, const PreviewFn&)
{
    throw InputError(info().name + " cannot continue a run");
}

MethodRegistry::MethodRegistry()
{
    registerClassicalMethods(*this);
}

MethodRegistry& MethodRegistry::instance()
{
    static MethodRegistry registry;
    return registry;
}

void MethodRegistry::add(const MethodInfo& info, Factory factory)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (Entry& e : m_entries)
        if (e.info.id == info.id) {
            e = {info, std::move(factory)};
            return;
        }
    m_entries.push_back({info, std::move(factory)});
}

std::vector<MethodInfo> MethodRegistry::methods() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<MethodInfo> out;
    for (const Entry& e : m_entries)
        out.push_back(e.info);
    return out;
}

std::vector<std::string> MethodRegistry::ids() const
{
    std::vector<std::string> out;
    for (const MethodInfo& m : methods())
        out.push_back(m.id);
    return out;
}

bool MethodRegistry::contains(const std::string& id) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const Entry& e : m_entries)
        if (e.info.id == id)
            return true;
    return false;
}

MethodRegistry::Entry MethodRegistry::entry(const std::string& id) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string known;
    for (const Entry& e : m_entries) {
        if (e.info.id == id)
            return e;
        known += (known.empty() ? "" : ", ") + e.info.id;
    }
    throw InputError("unknown method '" + id + "' (available: " + known + ")");
}

std::unique_ptr<ReconstructionMethod> MethodRegistry::create(const std::string& id) const
{
    return entry(id).factory();
}

std::unique_ptr<MethodOptions> MethodRegistry::defaultOptions(const std::string& id) const
{
    return create(id)->defaultOptions();
}

} // namespace phaselab::core
