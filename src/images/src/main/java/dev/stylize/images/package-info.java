/**
 * Images without DJL, small enough for a Lambda package: header checks on the first bytes,
 * safe decoding (decompression bombs, truncation, EXIF orientation, CMYK), resizing, encoding,
 * colour transfer. Depends on nothing of the project.
 */
package dev.stylize.images;
