#!/usr/bin/env python3
"""Checks PhaseLab's files with the tools scientists use (tifffile, h5py), and writes files with
them for PhaseLab to read. Called by tests/core/python_interop_test.cpp:

    python_interop.py check DIR   # reads the files PhaseLab wrote into DIR
    python_interop.py write DIR   # writes py_*.tif / py_*.h5 into DIR

Pixel values follow ramp(w, h, scale, offset)[y, x] = offset + scale * (x + 3 y) (+ 100 k for
page k of a stack), the same formula the C++ side uses. Exits non-zero with a message on any
mismatch."""
import json
import sys

import h5py
import numpy as np
import tifffile


def ramp(w, h, scale, offset, dtype):
    y, x = np.mgrid[0:h, 0:w]
    return (offset + scale * (x + 3 * y)).astype(dtype)


def expect(cond, message):
    if not cond:
        print("MISMATCH: " + message)
        sys.exit(1)


def text(value):
    """PhaseLab writes fixed-length UTF-8 string attributes (safe to read without HDF5's global
    heap); h5py returns them as bytes."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def check(d):
    # Single float32 page, 12 nm calibration, parameters as ImageJ Info.
    with tifffile.TiffFile(d + "/pl_f32.tif") as tif:
        page = tif.pages[0]
        data = page.asarray()
        expect(data.dtype == np.float32, "pl_f32 dtype %s" % data.dtype)
        expect(np.array_equal(data, ramp(37, 23, 0.125, -3.5, np.float32)), "pl_f32 values")
        ij = tif.imagej_metadata
        expect(ij is not None, "pl_f32: tifffile sees no ImageJ metadata")
        expect(ij.get("unit") == "nm", "pl_f32 unit %r" % ij.get("unit"))
        xres = page.tags["XResolution"].value
        pixel_nm = xres[1] / xres[0]
        expect(abs(pixel_nm - 12.0) < 1e-5, "pl_f32 pixel size %g nm" % pixel_nm)
        info = json.loads(ij["Info"])
        expect(info["geometry"]["energy_keV"] == 13.0, "pl_f32 Info %r" % info)
        expect(info["method"] == "ctf", "pl_f32 Info method")
        expect(page.tags["Software"].value.startswith("PhaseLab "), "pl_f32 software")
    print("ok pl_f32.tif: float32 values, unit nm, 12 nm pixels, Info JSON")

    # Three-page float32 stack, 650 nm: ImageJ sees a 3-image stack.
    with tifffile.TiffFile(d + "/pl_stack.tif") as tif:
        expect(len(tif.pages) == 3, "pl_stack pages %d" % len(tif.pages))
        ij = tif.imagej_metadata
        expect(ij.get("images") == 3, "pl_stack images=%r" % ij.get("images"))
        stack = tif.asarray()
        expect(stack.shape == (3, 12, 20), "pl_stack shape %r" % (stack.shape,))
        for k in range(3):
            expect(np.array_equal(stack[k], ramp(20, 12, 0.5, 100.0 * k, np.float32)),
                   "pl_stack page %d" % k)
        xres = tif.pages[0].tags["XResolution"].value
        expect(abs(xres[1] / xres[0] - 650.0) < 1e-3, "pl_stack pixel size")
    print("ok pl_stack.tif: 3 pages, ImageJ images=3, 650 nm")

    # Integer types, compressions, BigTIFF, big-endian.
    for name, dtype, scale, offset in [("pl_u16_lzw.tif", np.uint16, 517, 1),
                                       ("pl_i16_be.tif", np.int16, -100, 2000),
                                       ("pl_i32_deflate_tiled.tif", np.int32, -3.1e6, 12345),
                                       ("pl_u8_packbits.tif", np.uint8, 1, 3)]:
        try:
            data = tifffile.imread(d + "/" + name)
        except ValueError as e:  # a codec tifffile lacks without imagecodecs
            print("note %s: tifffile cannot decode it here (%s)" % (name, e))
            continue
        expect(data.dtype == dtype, "%s dtype %s" % (name, data.dtype))
        expect(np.array_equal(data, ramp(37, 23, scale, offset, dtype)), name + " values")
        print("ok %s: %s values" % (name, np.dtype(dtype).name))
    with tifffile.TiffFile(d + "/pl_bigtiff.tif") as tif:
        expect(tif.is_bigtiff, "pl_bigtiff is not BigTIFF")
        expect(np.array_equal(tif.asarray(), ramp(37, 23, 0.125, -3.5, np.float32)), "pl_bigtiff")
    print("ok pl_bigtiff.tif: BigTIFF float32")

    # HDF5 phase/absorption with attributes.
    with h5py.File(d + "/pl_rec.h5", "r") as f:
        phase, absorption = f["phase"][()], f["absorption"][()]
        expect(phase.dtype == np.float32 and phase.shape == (23, 37), "pl_rec phase")
        expect(np.array_equal(phase, ramp(37, 23, 0.125, -3.5, np.float32)), "pl_rec phase values")
        expect(np.array_equal(absorption, ramp(37, 23, 0.001, 0, np.float32)), "pl_rec absorption")
        for obj in (f, f["phase"]):
            expect(abs(obj.attrs["pixel_size_m"] - 12e-9) < 1e-21, "pl_rec pixel_size_m")
            params = json.loads(text(obj.attrs["parameters"]))
            expect(params["geometry"]["energy_keV"] == 13.0, "pl_rec parameters")
            expect(obj.attrs["geometry.energy_keV"] == 13.0, "pl_rec flat attribute")
        expect(text(f["phase"].attrs["unit"]) == "rad", "pl_rec phase unit")
    print("ok pl_rec.h5: phase/absorption float32, pixel_size_m, parameters, units")


def write(d):
    tifffile.imwrite(d + "/py_u16_tiled_deflate.tif", ramp(37, 23, 517, 1, np.uint16),
                     tile=(16, 16), compression="zlib")
    tifffile.imwrite(d + "/py_i32_be.tif", ramp(37, 23, -3.1e6, 12345, np.int32), byteorder=">")
    tifffile.imwrite(d + "/py_f64_bigtiff.tif", ramp(37, 23, 1.0 / 3.0, 0.25, np.float64),
                     bigtiff=True, compression="zlib")
    tifffile.imwrite(d + "/py_i8.tif", ramp(37, 23, -1, 60, np.int8))
    stack = np.stack([ramp(20, 12, 0.5, 100.0 * k, np.float32) for k in range(4)])
    tifffile.imwrite(d + "/py_imagej_stack.tif", stack, imagej=True,
                     resolution=(1 / 0.65, 1 / 0.65), metadata={"unit": "um", "spacing": 1})
    with h5py.File(d + "/py_data.h5", "w") as f:
        f.create_dataset("entry/data/data", data=np.stack(
            [ramp(37, 23, 1, 1000 * k, ">u2") for k in range(3)]), chunks=(1, 23, 37),
            compression="gzip")
        f.create_dataset("entry/float2d", data=ramp(37, 23, 0.125, -3.5, "<f8"))
    print("wrote py_*.tif, py_data.h5")


if __name__ == "__main__":
    {"check": check, "write": write}[sys.argv[1]](sys.argv[2])
