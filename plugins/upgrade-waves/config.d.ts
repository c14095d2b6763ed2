export interface Config {
  upgradeWaves?: {
    approval?: {
      /**
       * Let the person who started a wave approve it (default false: four-eyes). The backend enforces it; the
       * pages read it to disable the Approve button for the wave's starter and say why.
       * @visibility frontend
       */
      allowSelfApproval?: boolean;
    };
  };
}
