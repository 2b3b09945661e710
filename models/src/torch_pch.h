#pragma once
// The one LibTorch include of models/src, used as the target's precompiled header: every
// translation unit that needs LibTorch includes this file (one ~1 min parse, shared).
#include <torch/torch.h>
