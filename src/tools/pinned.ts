/**
 * sha256 of release assets gantry installs, pinned in the repo so a default install never trusts
 * the download host. Keys: tool → release tag → `<os>-<arch>`. Only values confirmed by two
 * independent sources are pinned; other versions need the release's own checksum file or a
 * `checksum` input. Generated from the project's pinned-checksums fixture.
 */
import { hostPlatform } from '../oci/platform.js';

export interface PinnedAsset {
  asset: string;
  sha256: string;
}

export const PINNED: Record<string, Record<string, Record<string, PinnedAsset>>> = {
  buildkit: {
    'v0.24.0': {
      'linux-amd64': {
        asset: 'buildkit-v0.24.0.linux-amd64.tar.gz',
        sha256: 'af8064eca16077b4d6937745988ba2d2dfa439540874cdcd918318315f3ba1d3',
      },
    },
    'v0.23.2': {
      'linux-amd64': {
        asset: 'buildkit-v0.23.2.linux-amd64.tar.gz',
        sha256: '2771c3403e3a1f75a83cde387a05365794d3b900c355e864772a36c3ce541f82',
      },
      'linux-arm64': {
        asset: 'buildkit-v0.23.2.linux-arm64.tar.gz',
        sha256: '6385ff70b2fb4134b50ac3183eea3a0b06c6f6129173940d73178ae0477368f1',
      },
    },
    'v0.25.1': {
      'linux-amd64': {
        asset: 'buildkit-v0.25.1.linux-amd64.tar.gz',
        sha256: '85aa27c480fc9159705d21a3e66abe305f8dc708b8aeecd1e87bbc5c3de98642',
      },
    },
    'v0.26.3': {
      'linux-amd64': {
        asset: 'buildkit-v0.26.3.linux-amd64.tar.gz',
        sha256: '249ae16ba4be59fadb51a49ff4d632bbf37200e2b6e187fa8574f0f1bce8166b',
      },
      'linux-arm64': {
        asset: 'buildkit-v0.26.3.linux-arm64.tar.gz',
        sha256: 'a98829f1b1b9ec596eb424dd03f03b9c7b596edac83e6700adf83ba0cb0d5f80',
      },
    },
    'v0.33.1': {
      'linux-amd64': {
        asset: 'buildkit-v0.33.1.linux-amd64.tar.gz',
        sha256: '4e044bcd62a0c0bbe6a8c94d73989de2bfe4c04dbc0f9d6021cf96b72cd1d965',
      },
      'linux-arm64': {
        asset: 'buildkit-v0.33.1.linux-arm64.tar.gz',
        sha256: '4e1ba91f139761f249a1fa6c71e632dfdbdafeda416176ecadefbb95225e56c4',
      },
    },
  },
  pack: {
    'v0.36.0': {
      'linux-amd64': {
        asset: 'pack-v0.36.0-linux.tgz',
        sha256: '42324ccbf29a6c6a64533ffe547fb1bbc0b73d741c6b2b7bee5cb9ed2bbf40b2',
      },
    },
    'v0.36.1': {
      'linux-amd64': {
        asset: 'pack-v0.36.1-linux.tgz',
        sha256: '1e047573cf01cf9b927f7d2011420de09d132f619a1b9b38c14614ea92de37ef',
      },
    },
    'v0.36.2': {
      'linux-amd64': {
        asset: 'pack-v0.36.2-linux.tgz',
        sha256: 'aabae22d9577c5894b7f280d17400a6b2ed055e8c5f17a27821c512b3f995ef9',
      },
    },
    'v0.36.3': {
      'linux-amd64': {
        asset: 'pack-v0.36.3-linux.tgz',
        sha256: '29529dbd4c4b7575f246c0efc1a64af2c441b069616788372e35f890a111fe03',
      },
    },
    'v0.36.4': {
      'linux-amd64': {
        asset: 'pack-v0.36.4-linux.tgz',
        sha256: '78bd1f089459eda04c932593331dd2e5c7dbd884a79f518927244159b9b41309',
      },
    },
    'v0.37.0': {
      'linux-amd64': {
        asset: 'pack-v0.37.0-linux.tgz',
        sha256: '07785c68ade572211cf5b32be585d5119a8fff256ea2b46dcae69871dcca517f',
      },
    },
    'v0.38.0': {
      'linux-amd64': {
        asset: 'pack-v0.38.0-linux.tgz',
        sha256: 'cb28ffbde97db616e38d18fd9088bba5594e5ff7137cb42e239358c1db9044e1',
      },
      'linux-arm64': {
        asset: 'pack-v0.38.0-linux-arm64.tgz',
        sha256: '08f14609fdee671cc1a362eddb6c1c72a90f850e9da1dc89470c65db7c553e35',
      },
    },
    'v0.38.1': {
      'linux-amd64': {
        asset: 'pack-v0.38.1-linux.tgz',
        sha256: '455f4c97f941860910ca3363ab458f9f74cfc388da78f6df1f7512cf7e1d39ee',
      },
      'linux-arm64': {
        asset: 'pack-v0.38.1-linux-arm64.tgz',
        sha256: '379b4091f1c552f84521fae2c9de719989f984c8bfb091c92b90a2a1382546e3',
      },
    },
    'v0.38.2': {
      'linux-amd64': {
        asset: 'pack-v0.38.2-linux.tgz',
        sha256: 'a00765572b7d464b1691d64fd264d9a807b066a7e7805db32b9918d9be16e228',
      },
      'linux-arm64': {
        asset: 'pack-v0.38.2-linux-arm64.tgz',
        sha256: '27bdf0d2f2f0ad4212f0f2277fa3a4970d86d5848ad3deb5bc658281de2b6b26',
      },
    },
    'v0.39.0': {
      'linux-amd64': {
        asset: 'pack-v0.39.0-linux.tgz',
        sha256: 'aae3beaf6a0efce9bb38b8bcca29829f6e653ca72297db2b836750e693cb8af3',
      },
      'linux-arm64': {
        asset: 'pack-v0.39.0-linux-arm64.tgz',
        sha256: '4e9d5be640e0d7016ec403d4062395aa3d05a89ed20892f42b281e1678e18173',
      },
    },
    'v0.39.1': {
      'linux-amd64': {
        asset: 'pack-v0.39.1-linux.tgz',
        sha256: '77109791ec8ad73749bc9efc5ecd3905f49175a5071c50e4be59840041ee4b42',
      },
      'linux-arm64': {
        asset: 'pack-v0.39.1-linux-arm64.tgz',
        sha256: '6ffe978d5fe59ecc17ed685f51da35b7d6a003aeaa3676e831e7aeeb0ddd09c8',
      },
    },
    'v0.40.0': {
      'linux-amd64': {
        asset: 'pack-v0.40.0-linux.tgz',
        sha256: '1f57cd0bd52e5c80cba52e30440b41fc183a13a9c1f2ed8b13cc35c12fa10126',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.0-linux-arm64.tgz',
        sha256: '2e9f46e422495d8ac7e5078b7f76cdca1c5f53d37783e18e69b7ff737ec440dc',
      },
    },
    'v0.40.1': {
      'linux-amd64': {
        asset: 'pack-v0.40.1-linux.tgz',
        sha256: '950b228ee007399e3a43eae49c0e2bd932821a6f1a3045d32b44917ebb8d92fc',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.1-linux-arm64.tgz',
        sha256: 'c96eb5c12c39da0b29fea38863b216f6c142f2f3192bad9ce2676d64db74c0d9',
      },
    },
    'v0.40.2': {
      'linux-amd64': {
        asset: 'pack-v0.40.2-linux.tgz',
        sha256: 'd4537041675b5882bb77437a25f76d27d698063d99855358aa48b4d33d1c3e58',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.2-linux-arm64.tgz',
        sha256: '4f4992b6843843bc9c0d15b275af939eebc8b2b601641f52951b71b923646f65',
      },
    },
    'v0.40.3': {
      'linux-amd64': {
        asset: 'pack-v0.40.3-linux.tgz',
        sha256: '2f18dd0e63a181af411e648ed7467f4f081dc458ffacbd11644d5b911fc063ce',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.3-linux-arm64.tgz',
        sha256: 'd84fbb295e2b11775616c22c2f3ada562141fe3c437298775e7b8892ff43c846',
      },
    },
    'v0.40.4': {
      'linux-amd64': {
        asset: 'pack-v0.40.4-linux.tgz',
        sha256: '6e7e4c8100f13e0c8b125fe3d4233f38a80be4d7626279f4d62b6b19642f98a6',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.4-linux-arm64.tgz',
        sha256: '4395177f244b9da9b97958e731787b0df6c60d56fa6b3a10cb70a49319187130',
      },
    },
    'v0.40.5': {
      'linux-amd64': {
        asset: 'pack-v0.40.5-linux.tgz',
        sha256: 'ae049ed2484a16633ef884f058c306e0fa3ee3500dc69400ab9045ee29b1bc57',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.5-linux-arm64.tgz',
        sha256: 'ddf16a7e4cf1ff6f5e03509a06d511d49da45d3abf0ba1ea135a9c23a8dbc032',
      },
    },
    'v0.40.6': {
      'linux-amd64': {
        asset: 'pack-v0.40.6-linux.tgz',
        sha256: '49fb874f7a930653834e67c16917369f9438080440194a6418421b1711421028',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.6-linux-arm64.tgz',
        sha256: '6ccff07f190a0ac5edec9cd3c1bc0a7192a9b5138147544adcdf2491efab0946',
      },
    },
    'v0.40.7': {
      'linux-amd64': {
        asset: 'pack-v0.40.7-linux.tgz',
        sha256: '0e458f37e177b6764f3ddcec542bd77bf18cd6f64f00525e0a4589bd7895d747',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.7-linux-arm64.tgz',
        sha256: 'ddc68d1e65c5389022d88e32963a4b0a3c6301e45648007ac258ec2b6f5687a9',
      },
    },
    'v0.40.8': {
      'linux-amd64': {
        asset: 'pack-v0.40.8-linux.tgz',
        sha256: '3b8cfd4287ea6c648ccff9c17cbfa61ae615839071a5de804f3b84316ed99a93',
      },
      'linux-arm64': {
        asset: 'pack-v0.40.8-linux-arm64.tgz',
        sha256: '51b1b8ba93f3cff0e25fdc4c099daddd962ea2c691ccd13bd607f0a452c42039',
      },
    },
  },
  trivy: {
    'v0.70.0': {
      'linux-amd64': {
        asset: 'trivy_0.70.0_Linux-64bit.tar.gz',
        sha256: '8b4376d5d6befe5c24d503f10ff136d9e0c49f9127a4279fd110b727929a5aa9',
      },
      'linux-arm64': {
        asset: 'trivy_0.70.0_Linux-ARM64.tar.gz',
        sha256: '2f6bb988b553a1bbac6bdd1ce890f5e412439564e17522b88a4541b4f364fc8d',
      },
    },
    'v0.71.0': {
      'linux-amd64': {
        asset: 'trivy_0.71.0_Linux-64bit.tar.gz',
        sha256: '30a3d22b23f88c233f1658f562fb477cae3b3e8b4761109d515b7698daf85814',
      },
      'linux-arm64': {
        asset: 'trivy_0.71.0_Linux-ARM64.tar.gz',
        sha256: '2561be394a3199c911f82fced606cbc05e1cb23eb6ce1da6935540adb76f4252',
      },
    },
    'v0.72.0': {
      'linux-amd64': {
        asset: 'trivy_0.72.0_Linux-64bit.tar.gz',
        sha256: 'bbb64b9695866ce4a7a8f5c9592002c5961cab378577fa3f8a040df362b9b2ea',
      },
      'linux-arm64': {
        asset: 'trivy_0.72.0_Linux-ARM64.tar.gz',
        sha256: '2ca2c023109c2db6b2b77366b6717291452d4531167377d95c79547f0c8e3467',
      },
    },
    'v0.73.0': {
      'linux-amd64': {
        asset: 'trivy_0.73.0_Linux-64bit.tar.gz',
        sha256: '2edd39da482bb4e9831962487b68f68e3928ec3137794757f54d00383d79547b',
      },
      'linux-arm64': {
        asset: 'trivy_0.73.0_Linux-ARM64.tar.gz',
        sha256: '13833d97e8a1a5367471c372a173180157f593bece570e20d5d925fef552f5dd',
      },
    },
    'v0.74.0': {
      'linux-amd64': {
        asset: 'trivy_0.74.0_Linux-64bit.tar.gz',
        sha256: '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
      },
      'linux-arm64': {
        asset: 'trivy_0.74.0_Linux-ARM64.tar.gz',
        sha256: 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
      },
    },
  },
  hadolint: {
    'v2.12.0': {
      'linux-amd64': {
        asset: 'hadolint-Linux-x86_64',
        sha256: '56de6d5e5ec427e17b74fa48d51271c7fc0d61244bf5c90e828aab8362d55010',
      },
      'linux-arm64': {
        asset: 'hadolint-Linux-arm64',
        sha256: '5798551bf19f33951881f15eb238f90aef023f11e7ec7e9f4c37961cb87c5df6',
      },
    },
    'v2.14.0': {
      'linux-amd64': {
        asset: 'hadolint-linux-x86_64',
        sha256: '6bf226944684f56c84dd014e8b979d27425c0148f61b3bd99bcc6f39e9dc5a47',
      },
      'linux-arm64': {
        asset: 'hadolint-linux-arm64',
        sha256: '331f1d3511b84a4f1e3d18d52fec284723e4019552f4f47b19322a53ce9a40ed',
      },
    },
    'v2.15.1': {
      'linux-amd64': {
        asset: 'hadolint-linux-x86_64',
        sha256: 'c7187db94eeeeca956519a6af171adc31453941a1e777961f6e680f697c8c507',
      },
      'linux-arm64': {
        asset: 'hadolint-linux-arm64',
        sha256: 'f6198ef8090f404dbb771abfee086eb8c48ac177f30da7fd3510aca35b344b5d',
      },
    },
  },
  'binfmt-qemu': {
    'deploy/v10.2.3-68': {
      'linux-amd64': {
        asset: 'qemu_v10.2.3_linux-amd64.tar.gz',
        sha256: '8e7d8f4c0c7809fc3fea0085199fd6b16f671e7c73d9bf6bec711e1cb535920a',
      },
    },
  },
};

export function pinnedAsset(tool: string, tag: string, platform: string): PinnedAsset | undefined {
  return PINNED[tool]?.[tag]?.[platform];
}

/** The `<os>-<arch>[-variant]` name release assets use for the machine we run on. */
export function releasePlatform(
  nodeArch: string = process.arch,
  nodePlatform: string = process.platform,
): string {
  const { architecture, variant } = hostPlatform(nodeArch);
  const os = nodePlatform === 'win32' ? 'windows' : nodePlatform;
  return `${os}-${architecture}${variant ? `-${variant}` : ''}`;
}
