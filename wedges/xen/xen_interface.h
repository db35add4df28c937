// xen_interface.h: the Xen public headers, included the one way this wedge uses them.
// The interface version comes from CMake (AFTERBURNER_XEN_INTERFACE_VERSION): without it,
// xen-compat.h silently selects the old *_compat hypercalls.
#pragma once

#ifndef __XEN_INTERFACE_VERSION__
#error "__XEN_INTERFACE_VERSION__ must come from the build (AFTERBURNER_XEN_INTERFACE_VERSION)"
#endif

#include <stdint.h>

#include <xen/xen.h>

#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/io/console.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
