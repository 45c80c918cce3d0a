/** What gantry records in the images it builds, beside the OCI base.name/base.digest. */

/** The Go that built the binary (`go version` of it), on each go-builder platform image. */
export const GO_VERSION_ANNOTATION = 'dev.gantry.go.version';

/** Every Dockerfile stage's base, name and digest (JSON), on each image and on the index. */
export const STAGE_BASES_ANNOTATION = 'dev.gantry.base.stages';
